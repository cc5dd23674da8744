import {
  type CheckSpec,
  isActive,
  monitorConfigSchema,
  type StoredMonitorConfig,
  shardOf,
  toCheckSpec,
} from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import type { Logger } from '@sentinelmesh/platform';
import { sql } from 'kysely';

/** What the scheduler keeps in memory for one active monitor. */
export interface ScheduledMonitor {
  id: string;
  orgId: string;
  createdAtMs: number;
  intervalSeconds: number;
  regions: string[];
  spec: CheckSpec;
  /** The row's `updated_at` in ms: the configuration version its jobs carry. */
  version: number;
}

interface MonitorRow {
  id: string;
  org_id: string;
  config: StoredMonitorConfig;
  created_at: Date;
  updated_at: Date;
}

const PAGE = 2000;
const ID_PAGE = 20_000;

/** A row as a schedulable monitor; null (and a warning) when its stored config does not validate. */
function toScheduled(row: MonitorRow, logger: Logger): ScheduledMonitor | null {
  const parsed = monitorConfigSchema.safeParse({ channelIds: [], ...row.config });
  if (!parsed.success) {
    logger.warn({ monitorId: row.id, issues: parsed.error.issues.slice(0, 3) }, 'skipping invalid monitor');
    return null;
  }
  const { channelIds: _channelIds, ...config } = parsed.data;
  if (!isActive(config)) return null;
  return {
    id: row.id,
    orgId: row.org_id,
    createdAtMs: row.created_at.getTime(),
    intervalSeconds: config.intervalSeconds,
    regions: config.regions,
    // Secrets stay masked in the spec; its version tells workers when their cached secrets are stale.
    spec: toCheckSpec(row.org_id, row.id, config, row.updated_at.getTime()),
    version: row.updated_at.getTime(),
  };
}

/**
 * Every active (not paused) monitor of the given shards, grouped by shard. Shards are a hash of the
 * id computed here, so this reads all active monitors once, page by page, and keeps those of `shards`.
 * With `only`, it reads just the monitors changed since a time and those named.
 */
export async function loadShardMonitors(
  db: Db,
  options: {
    shards: ReadonlySet<number>;
    totalShards: number;
    logger: Logger;
    only?: { changedSince: Date; ids: readonly string[] };
  },
): Promise<Map<number, ScheduledMonitor[]>> {
  const byShard = new Map<number, ScheduledMonitor[]>([...options.shards].map((shard) => [shard, []]));
  const { only } = options;
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('monitors')
      .select(['id', 'org_id', 'config', 'created_at', 'updated_at'])
      .where('paused', '=', false)
      .orderBy('id')
      .limit(PAGE);
    if (only) {
      query = query.where((eb) =>
        only.ids.length > 0
          ? eb.or([eb('updated_at', '>', only.changedSince), eb('id', 'in', [...only.ids])])
          : eb('updated_at', '>', only.changedSince),
      );
    }
    if (after !== null) query = query.where('id', '>', after);
    const rows = await query.execute();
    for (const row of rows) {
      const list = byShard.get(shardOf(row.id, options.totalShards));
      if (!list) continue;
      const monitor = toScheduled(row, options.logger);
      if (monitor) list.push(monitor);
    }
    if (rows.length < PAGE) return byShard;
    after = rows[rows.length - 1]?.id ?? null;
  }
}

/** The ids of every active monitor of the given shards: cheap to read, no config to parse. */
export async function loadShardMonitorIds(
  db: Db,
  options: { shards: ReadonlySet<number>; totalShards: number },
): Promise<Map<number, Set<string>>> {
  const byShard = new Map<number, Set<string>>([...options.shards].map((shard) => [shard, new Set()]));
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('monitors')
      .select('id')
      .where('paused', '=', false)
      .orderBy('id')
      .limit(ID_PAGE);
    if (after !== null) query = query.where('id', '>', after);
    const rows = await query.execute();
    for (const row of rows) byShard.get(shardOf(row.id, options.totalShards))?.add(row.id);
    if (rows.length < ID_PAGE) return byShard;
    after = rows[rows.length - 1]?.id ?? null;
  }
}

/** Postgres's clock, which stamps `monitors.updated_at`. */
export async function databaseNow(db: Db): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(db);
  return rows[0]?.now ?? new Date();
}

/** One monitor of one organization as it is now; null when it is gone, paused or invalid (ids come parsed as uuids). */
export async function loadMonitor(
  db: Db,
  options: { orgId: string; monitorId: string; logger: Logger },
): Promise<ScheduledMonitor | null> {
  const row = await db
    .selectFrom('monitors')
    .select(['id', 'org_id', 'config', 'created_at', 'updated_at'])
    .where('org_id', '=', options.orgId)
    .where('id', '=', options.monitorId)
    .where('paused', '=', false)
    .executeTakeFirst();
  return row ? toScheduled(row, options.logger) : null;
}
