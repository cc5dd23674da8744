import { lifecycleStatus, type MonitorStatus, type StoredMonitorConfig } from '@sentinelmesh/core';
import { type Kysely, sql } from 'kysely';
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
