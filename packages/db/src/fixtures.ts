import { lifecycleStatus, type MonitorStatus, type StoredMonitorConfig } from '@sentinelmesh/core';
import { type Kysely, sql } from 'kysely';
import { insertHourlyRollups } from './rollups';
import type { Database } from './schema';

/** An HTTP monitor with the API's defaults, aimed at the discard port of this machine. */
const HTTP_DEFAULTS = {
  type: 'http',
  name: 'monitor',
  url: 'http://127.0.0.1:9/health',
  method: 'GET',
  headers: {},
  body: null,
  followRedirects: true,
  intervalSeconds: 60,
  timeoutMs: 10_000,
  assertions: [{ source: 'status', op: 'between', value: [200, 399] }],
  regions: ['local'],
  failureThreshold: 2,
  recoveryThreshold: 2,
  retryIntervalSeconds: 5,
  tags: [],
  paused: false,
} as const;

/** The `monitor_state` columns a fixture may set; the rest are those of a new monitor. */
export interface MonitorStateFixture {
  status?: MonitorStatus;
  since?: Date | null;
  lastCheckedAt?: Date | null;
  lastLatencyMs?: number | null;
  lastError?: { kind: string; message: string } | null;
}

export interface MonitorFixture {
  /**
   * The stored config, over the API's defaults for an HTTP monitor (another `type` keeps only the
   * fields every type shares). Not validated, so a test can also store what the API would refuse.
   */
  config?: Record<string, unknown>;
  /** Sealed secrets (`SecretBox.seal`) and whether `config` still holds them in the clear. */
  secrets?: string | null;
  secretsUnsealed?: boolean;
  createdAt?: Date;
  updatedAt?: Date;
  /** Also writes the monitor's `monitor_state` row, as the API does: `true` for a new monitor's. */
  state?: true | MonitorStateFixture;
}

/** The config a fixture stores: `overrides` over the API's defaults. */
export function monitorFixtureConfig(overrides: Record<string, unknown> = {}): StoredMonitorConfig {
  const {
    url: _url,
    method: _method,
    headers: _headers,
    body: _body,
    followRedirects: _follow,
    ...common
  } = HTTP_DEFAULTS;
  const base = overrides.type === undefined || overrides.type === 'http' ? HTTP_DEFAULTS : common;
  return { ...base, ...overrides } as unknown as StoredMonitorConfig;
}

const CHUNK = 1_000;

/**
 * Writes monitor rows (and, when asked, their state rows) for one organization, a thousand per
 * statement; answers their ids in the order given. The one way tests, chaos and benchmarks add monitors.
 */
export async function insertMonitors(
  db: Kysely<Database>,
  orgId: string,
  fixtures: MonitorFixture[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < fixtures.length; start += CHUNK) {
    const chunk = fixtures.slice(start, start + CHUNK);
    const configs = chunk.map((fixture) => monitorFixtureConfig(fixture.config));
    const rows = await db
      .insertInto('monitors')
      .values(
        chunk.map((fixture, i) => ({
          org_id: orgId,
          config: JSON.stringify(configs[i]),
          updated_at: fixture.updatedAt ?? new Date(),
          ...(fixture.createdAt ? { created_at: fixture.createdAt } : {}),
          ...(fixture.secrets !== undefined ? { secrets: fixture.secrets } : {}),
          ...(fixture.secretsUnsealed !== undefined ? { secrets_unsealed: fixture.secretsUnsealed } : {}),
        })),
      )
      .returning('id')
      .execute();
    const states = chunk.flatMap((fixture, i) => {
      const id = rows[i]?.id;
      if (!fixture.state || !id) return [];
      const state = fixture.state === true ? {} : fixture.state;
      const now = new Date();
      return [
        {
          monitor_id: id,
          org_id: orgId,
          status: state.status ?? lifecycleStatus(configs[i]?.paused === true),
          since: state.since ?? now,
          last_checked_at: state.lastCheckedAt ?? null,
          last_latency_ms: state.lastLatencyMs ?? null,
          last_error: state.lastError ? JSON.stringify(state.lastError) : sql<string>`NULL`,
          machine: JSON.stringify({}),
          updated_at: now,
        },
      ];
    });
    if (states.length > 0) await db.insertInto('monitor_state').values(states).execute();
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}

/** Writes one monitor row (see `insertMonitors`) and answers its id. */
export async function insertMonitor(
  db: Kysely<Database>,
  orgId: string,
  fixture: MonitorFixture = {},
): Promise<string> {
  const [id] = await insertMonitors(db, orgId, [fixture]);
  if (!id) throw new Error('the monitor row was not written');
  return id;
}

/** One check result a fixture writes; the rest is an OK HTTP check from the `local` region. */
export interface ResultFixture {
  scheduledAt: Date;
  ok?: boolean;
  latencyMs?: number | null;
  statusCode?: number | null;
  kind?: 'scheduled' | 'confirmation';
  region?: string;
  errorKind?: string | null;
  errorMessage?: string | null;
}

/** Writes check results of one monitor, a thousand per statement (duplicates of a slot are skipped). */
export async function insertResults(
  db: Kysely<Database>,
  orgId: string,
  monitorId: string,
  results: ResultFixture[],
): Promise<void> {
  for (let start = 0; start < results.length; start += CHUNK) {
    const rows = results.slice(start, start + CHUNK).map((r) => {
      const ok = r.ok ?? true;
      return {
        org_id: orgId,
        monitor_id: monitorId,
        scheduled_at: r.scheduledAt,
        checked_at: new Date(r.scheduledAt.getTime() + 50),
        region: r.region ?? 'local',
        kind: r.kind ?? 'scheduled',
        attempt: r.kind === 'confirmation' ? 1 : 0,
        ok,
        status_code: r.statusCode !== undefined ? r.statusCode : ok ? 200 : 503,
        latency_ms: r.latencyMs !== undefined ? r.latencyMs : 100,
        phases: JSON.stringify({}),
        failed_assertions: JSON.stringify([]),
        error_kind: r.errorKind !== undefined ? r.errorKind : ok ? null : 'http_status',
        error_message: r.errorMessage !== undefined ? r.errorMessage : ok ? null : 'HTTP 503',
      };
    });
    await db
      .insertInto('check_results')
      .values(rows as never)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Writes a down incident of a monitor: open when `resolvedAt` is left out. Answers its id. */
export async function insertIncident(
  db: Kysely<Database>,
  orgId: string,
  monitorId: string,
  incident: { openedAt: Date; resolvedAt?: Date | null; cause?: string | null },
): Promise<string> {
  const row = await db
    .insertInto('incidents')
    .values({
      org_id: orgId,
      monitor_id: monitorId,
      status: incident.resolvedAt ? 'resolved' : 'open',
      opened_at: incident.openedAt,
      resolved_at: incident.resolvedAt ?? null,
      cause: incident.cause ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Writes a maintenance window over the given monitors. Answers its id. */
export async function insertMaintenanceWindow(
  db: Kysely<Database>,
  orgId: string,
  window: { name?: string; startsAt: Date; endsAt: Date; monitorIds: string[] },
): Promise<string> {
  const row = await db
    .insertInto('maintenance_windows')
    .values({
      org_id: orgId,
      name: window.name ?? 'maintenance',
      starts_at: window.startsAt,
      ends_at: window.endsAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (window.monitorIds.length > 0) {
    await db
      .insertInto('maintenance_window_monitors')
      .values(window.monitorIds.map((monitor_id) => ({ org_id: orgId, window_id: row.id, monitor_id })))
      .execute();
  }
  return row.id;
}

/**
 * Rolls every monitor's results up to the hour `through` (as the rollup job would) and moves the
 * rollup watermark there, so readers take those hours from the rollups and later ones from raw results.
 */
export async function rollUpResults(db: Kysely<Database>, through: Date): Promise<void> {
  await db.deleteFrom('check_rollups_hourly').where('hour', '<', through).execute();
  await insertHourlyRollups(db, { from: new Date(0), to: through });
  const value = through.toISOString();
  await db
    .insertInto('meta')
    .values({ key: 'rollups_hourly_through', value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
