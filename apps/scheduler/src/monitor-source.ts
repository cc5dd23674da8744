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
 * under a KiB each. The spec is kept as JSON, parsed only when a job is built: its shape (type,
 * timeouts, assertions, headers...) is shared by every monitor that has the same one, and only the
 * fields that set monitors apart (name, URL or host) are the monitor's own. The organization id
 * and region list are shared too.
 */
export interface ScheduledMonitor {
  readonly id: string;
  readonly orgId: string;
  readonly createdAtMs: number;
  readonly intervalSeconds: number;
  readonly regions: readonly string[];
  /** The spec's shared shape; read the spec with `monitorSpec`. */
  readonly template: SpecTemplate;
  /**
   * The JSON of the monitor's own spec fields (see `OWN_FIELDS`) in their order, one line each;
   * `null` where the template has the value.
   */
  readonly own: string;
  /** The row's `updated_at` in ms: the configuration version its jobs carry. */
  readonly version: number;
}

/**
 * A check spec as JSON without its id and organization, and without its own fields' values; and
 * the same JSON cut where each monitor's own values go, so a job's spec is written as text without
 * parsing anything: `texts[0] value(holes[0]) texts[1] … texts[n]`.
 */
export interface SpecTemplate {
  readonly json: string;
  readonly texts: readonly string[];
  /** Per hole, the index of its field in `OWN_FIELDS`, or `VERSION_HOLE`. */
  readonly holes: readonly number[];
}

/** Spec fields that usually differ from one monitor to the next, kept apart from the shared shape. */
const OWN_FIELDS = ['name', 'url', 'host'] as const;
/** The hole of a `secretsVersion` that is the monitor's version. */
const VERSION_HOLE = OWN_FIELDS.length;
/**
 * Separates the own values' JSON in `ScheduledMonitor.own`: JSON escapes a line feed inside a
 * string, so none stands between values.
 */
const OWN_SEPARATOR = '\n';

const orgIds = new Map<string, string>();
const regionLists = new Map<string, readonly string[]>();
/** Shapes in use, held weakly: one no monitor uses any more is forgotten. */
const templates = new Map<string, WeakRef<SpecTemplate>>();
const unused = new FinalizationRegistry<string>((json) => {
  if (templates.get(json)?.deref() === undefined) templates.delete(json);
});

/**
 * A string as one flat run of characters. `JSON.stringify` builds its result from pieces; reading a
 * character makes the engine copy them into one string, which halves what it keeps in memory.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

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

/** The template's JSON after the spec's id and organization, cut at the fields each monitor fills in. */
function cut(shape: Record<string, unknown>): { texts: string[]; holes: number[] } {
  const texts: string[] = [];
  const holes: number[] = [];
  let text = '';
  // As `JSON.stringify` writes an object: its own keys in order, leaving out what has no JSON.
  for (const [key, value] of Object.entries(shape)) {
    const json = JSON.stringify(value);
    if (json === undefined) continue;
    text += `,${JSON.stringify(key)}:`;
    const hole =
      value !== null ? -1 : key === 'secretsVersion' ? VERSION_HOLE : OWN_FIELDS.indexOf(key as never);
    if (hole === -1) {
      text += json;
      continue;
    }
    texts.push(flat(text));
    holes.push(hole);
    text = '';
  }
  texts.push(flat(`${text}}`));
  return { texts, holes };
}

function internTemplate(shape: Record<string, unknown>): SpecTemplate {
  const json = JSON.stringify(shape);
  const known = templates.get(json)?.deref();
  if (known) return known;
  const template = { json: flat(json), ...cut(shape) };
  templates.set(template.json, new WeakRef(template));
  unused.register(template, template.json);
  return template;
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
  // The spec's id and organization are the monitor's own: kept once, put back by `monitorSpec`.
  const { id: _id, orgId: _orgId, ...rest } = monitor.spec;
  const shape: Record<string, unknown> = rest;
  // Null stands in for each own value, so the keys keep their place and order.
  const own = OWN_FIELDS.map((field) => {
    const value = shape[field];
    if (typeof value !== 'string') return null;
    shape[field] = null;
    return value;
  });
  // A spec with masks carries the monitor's version, which the monitor holds already.
  if (shape.secretsVersion === monitor.version) shape.secretsVersion = null;
  return {
    id: monitor.id,
    orgId: internOrgId(monitor.orgId),
    createdAtMs: monitor.createdAtMs,
    intervalSeconds: monitor.intervalSeconds,
    regions: internRegions(monitor.regions),
    template: internTemplate(shape),
    own: flat(own.map((value) => JSON.stringify(value)).join(OWN_SEPARATOR)),
    version: monitor.version,
  };
}

/**
 * The monitor's check spec as JSON, as `JSON.stringify` writes it (secrets masked), written from
 * the template's text and the monitor's own values: a job payload takes it without an object built.
 */
export function monitorSpecJson(monitor: ScheduledMonitor): string {
  const { texts, holes } = monitor.template;
  const own = holes.length === 0 ? [] : monitor.own.split(OWN_SEPARATOR);
  let json = `{"id":${JSON.stringify(monitor.id)},"orgId":${JSON.stringify(monitor.orgId)}`;
  for (let i = 0; i < holes.length; i++) {
    const hole = holes[i] as number;
    json += (texts[i] as string) + (hole === VERSION_HOLE ? String(monitor.version) : own[hole]);
  }
  return json + (texts[holes.length] as string);
}

/** The monitor's check spec: a fresh object each call, secrets masked. */
export function monitorSpec(monitor: ScheduledMonitor): CheckSpec {
  return JSON.parse(monitorSpecJson(monitor)) as CheckSpec;
}

interface MonitorRow {
  id: string;
  org_id: string;
  config: StoredMonitorConfig;
  created_at: Date;
  updated_at: Date;
}

const PAGE = 500;
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
    /** Checked between pages: when it holds, the read stops where it is (the scheduler is stopping). */
    abandoned?: () => boolean;
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
    if (rows.length < PAGE || options.abandoned?.()) return byShard;
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
