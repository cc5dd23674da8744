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

/**
 * What the scheduler keeps in memory for one active monitor: a million of them must fit in well
 * under a KiB each, so the spec is kept as its compact JSON (parsed only when a job is built) and
 * the organization id and region list are shared by every monitor that has the same ones.
 */
export interface ScheduledMonitor {
  readonly id: string;
  readonly orgId: string;
  readonly createdAtMs: number;
  readonly intervalSeconds: number;
  readonly regions: readonly string[];
  /** The check spec, secrets masked, as JSON: read it with `monitorSpec`. */
  readonly specJson: string;
  /** The row's `updated_at` in ms: the configuration version its jobs carry. */
  readonly version: number;
}

const orgIds = new Map<string, string>();
const regionLists = new Map<string, readonly string[]>();

/** One shared copy of an organization id: many monitors belong to few organizations. */
function internOrgId(orgId: string): string {
  const known = orgIds.get(orgId);
  if (known !== undefined) return known;
  orgIds.set(orgId, orgId);
  return orgId;
}

/** One shared, frozen copy of a region list: most monitors run in the same few regions. */
function internRegions(regions: readonly string[]): readonly string[] {
  const key = regions.join('\n');
  const known = regionLists.get(key);
  if (known !== undefined) return known;
  const list = Object.freeze([...regions]);
  regionLists.set(key, list);
  return list;
}

/** The memory-lean form of a monitor and its (already masked) check spec. */
export function scheduledMonitor(monitor: {
  id: string;
  orgId: string;
  createdAtMs: number;
  intervalSeconds: number;
  regions: readonly string[];
  spec: CheckSpec;
  version: number;
}): ScheduledMonitor {
  return {
    id: monitor.id,
    orgId: internOrgId(monitor.orgId),
    createdAtMs: monitor.createdAtMs,
    intervalSeconds: monitor.intervalSeconds,
    regions: internRegions(monitor.regions),
    specJson: JSON.stringify(monitor.spec),
    version: monitor.version,
  };
}

/** The monitor's check spec for a job payload: a fresh object each call, secrets masked. */
export function monitorSpec(monitor: ScheduledMonitor): CheckSpec {
  return JSON.parse(monitor.specJson) as CheckSpec;
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
  return scheduledMonitor({
    id: row.id,
    orgId: row.org_id,
    createdAtMs: row.created_at.getTime(),
    intervalSeconds: config.intervalSeconds,
    regions: config.regions,
    // Secrets stay masked in the spec; its version tells workers when their cached secrets are stale.
    spec: toCheckSpec(row.org_id, row.id, config, row.updated_at.getTime()),
    version: row.updated_at.getTime(),
  });
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

/**
 * Hands `visit` the id of every active monitor of the given shards, page by page: a million ids
 * never sit in memory at once.
 */
export async function scanShardMonitorIds(
  db: Db,
  options: { shards: ReadonlySet<number>; totalShards: number },
  visit: (shard: number, id: string) => void,
): Promise<void> {
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
    for (const row of rows) {
      const shard = shardOf(row.id, options.totalShards);
      if (options.shards.has(shard)) visit(shard, row.id);
    }
    if (rows.length < ID_PAGE) return;
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
