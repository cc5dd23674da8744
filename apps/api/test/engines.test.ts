import { ensureResultPartitions } from '@sentinelmesh/db';
import { testRedisUrl, uniqueQueuePrefix } from '@sentinelmesh/db/testing';
import { createTimescaleTestDatabase } from '@sentinelmesh/db/testing/timescale';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/app';
import { runRetention } from '../src/jobs/retention';
import { catchUpRollups, runRollups } from '../src/jobs/rollups';
import {
  client,
  createTestDatabase,
  httpMonitor,
  type Session,
  signupUser,
  TestClock,
  testEnv,
  withTenant,
} from './helpers';

// One seeded history, two engines: plain Postgres (day partitions, rollup job) and TimescaleDB
// (hypertable, compression, continuous aggregate). Every case must answer the same on both.
type Engine = 'postgres' | 'timescaledb';
type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;
// biome-ignore lint/suspicious/noExplicitAny: the seed writes rows the typed schema would make verbose.
type AnyDb = Kysely<any>;

const H = 3_600_000;
const D = 24 * H;
// Whole hours, so a window's first hour is the same whether it is read raw or rolled up.
const NOW = Math.floor(Date.now() / H) * H;
const RETENTION_DAYS = 30;
const LATE_AT = NOW - 10 * D + 7 * 60_000;

interface Seeded {
  app: App;
  db: AnyDb;
  a: Session;
  b: Session;
  monitors: { m1: string; m2: string; mb: string };
  incidents: string[];
  labels: Map<string, string>;
}

/** Scheduled results every `everyMin` minutes over 100 days; every 23rd fails, every 50th has a re-check. */
function history(orgId: string, monitorId: string, everyMin: number) {
  const rows = [];
  const n = (100 * D) / (everyMin * 60_000);
  for (let i = 1; i <= n; i++) {
    const at = new Date(NOW - i * everyMin * 60_000);
    const ok = i % 23 !== 0;
    const row = {
      org_id: orgId,
      monitor_id: monitorId,
      scheduled_at: at,
      checked_at: new Date(at.getTime() + 900),
      region: 'local',
      kind: 'scheduled',
      attempt: 0,
      ok,
      status_code: ok ? 200 : 503,
      latency_ms: i % 31 === 0 ? null : 20 + ((i * 37) % 900),
      phases: JSON.stringify({}),
      failed_assertions: JSON.stringify([]),
      error_kind: ok ? null : 'http_status',
      error_message: ok ? null : 'HTTP 503',
    };
    rows.push(row);
    if (i % 50 === 0) rows.push({ ...row, kind: 'confirmation', attempt: 1, region: 'eu-west' });
  }
  return rows;
}

const expectedChecks = (everyMin: number, windowMs: number) => Math.floor(windowMs / (everyMin * 60_000));

async function insertAll(db: AnyDb, rows: object[]) {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('check_results')
      .values(rows.slice(i, i + 1000) as never)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

const jobId = async (db: AnyDb, proc: string) => {
  const { rows } = await sql<{ id: number }>`
    SELECT job_id AS id FROM timescaledb_information.jobs WHERE proc_name = ${proc}`.execute(db);
  if (!rows[0]) throw new Error(`no ${proc} job`);
  return rows[0].id;
};
const runJob = async (db: AnyDb, proc: string) => sql`CALL run_job(${await jobId(db, proc)})`.execute(db);

/** Brings the engine's rollups up to date: the job on plain Postgres, the aggregate policy on TimescaleDB. */
async function refreshRollups(engine: Engine, db: AnyDb) {
  if (engine === 'timescaledb') await runJob(db, 'policy_refresh_continuous_aggregate');
  else await catchUpRollups(db as never, new Date(NOW));
}

async function seed(engine: Engine, testDb: TestDb): Promise<Seeded> {
  const db = testDb.db as AnyDb;
  const config = testEnv(testDb, uniqueQueuePrefix());
  // TimescaleDB here takes one connection: the app and the test share the test database's pool.
  const app = await buildApp({
    config,
    db: testDb.db,
    redis: createRedis(testRedisUrl()),
    logger: createLogger('api-test', 'silent'),
    clock: new TestClock(NOW),
  });
  await app.ready();
  const a = await signupUser(app, 'Engines A');
  const b = await signupUser(app, 'Engines B');
  const create = async (s: Session, name: string) =>
    (await client(app, s.token).post('/v1/monitors', httpMonitor({ name }))).json().id as string;
  const monitors = { m1: await create(a, 'one'), m2: await create(a, 'two'), mb: await create(b, 'other') };
  await db
    .updateTable('monitors')
    .set({ created_at: new Date(NOW - 120 * D) })
    .execute();
  await db
    .updateTable('monitor_state')
    .set({ status: sql`CASE WHEN monitor_id = ${monitors.m1} THEN 'down' ELSE 'up' END` })
    .execute();
  if (engine === 'postgres') await ensureResultPartitions(db, new Date(NOW - 101 * D), 110);
  await insertAll(db, history(a.orgId, monitors.m1, 20));
  await insertAll(db, history(a.orgId, monitors.m2, 60));
  await insertAll(db, history(b.orgId, monitors.mb, 30));
  const incident = (orgId: string, monitorId: string, opened: number, resolved: number | null) => ({
    org_id: orgId,
    monitor_id: monitorId,
    status: resolved === null ? 'open' : 'resolved',
    opened_at: new Date(opened),
    resolved_at: resolved === null ? null : new Date(resolved),
    cause: 'http_status',
  });
  const incidents = await db
    .insertInto('incidents')
    .values([
      incident(a.orgId, monitors.m1, NOW - 40 * D, NOW - 40 * D + 2 * H),
      incident(a.orgId, monitors.m1, NOW - 5 * D + 10 * 60_000, NOW - 5 * D + 50 * 60_000),
      incident(a.orgId, monitors.m1, NOW - 30 * 60_000, null),
      incident(a.orgId, monitors.m2, NOW - 80 * D, NOW - 79 * D),
      incident(b.orgId, monitors.mb, NOW - 3 * D, NOW - 2 * D),
    ] as never)
    .returning('id')
    .execute();
  const page = await client(app, a.token).post('/v1/status-pages', {
    slug: `engines-${a.orgId.slice(0, 8)}`,
    title: 'Engines',
    monitorIds: [monitors.m1, monitors.m2],
  });
  expect(page.statusCode).toBe(201);

  await refreshRollups(engine, db);
  // A result written ten days late, after its hour was rolled up.
  await insertAll(db, [{ ...history(a.orgId, monitors.m1, 20)[0], scheduled_at: new Date(LATE_AT) }]);
  await refreshRollups(engine, db);

  const labels = new Map<string, string>([
    [a.orgId, '<org a>'],
    [b.orgId, '<org b>'],
    [monitors.m1, '<m1>'],
    [monitors.m2, '<m2>'],
    [monitors.mb, '<mb>'],
    [`engines-${a.orgId.slice(0, 8)}`, '<slug>'],
    ...incidents.map((row, i) => [row.id as string, `<incident ${i}>`] as [string, string]),
  ]);
  return { app, db, a, b, monitors, incidents: incidents.map((r) => r.id as string), labels };
}

/** The API's answer with every generated id replaced by a label, so two engines' answers compare. */
function normalized(s: Seeded, value: unknown): unknown {
  let text = JSON.stringify(value);
  for (const [id, label] of s.labels) text = text.replaceAll(id, label);
  return JSON.parse(text);
}

async function get(s: Seeded, url: string, token: string | null = s.a.token) {
  const res = token ? await client(s.app, token).get(url) : await s.app.inject({ method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

const windows = ['1h', '24h', '7d', '30d', '90d'] as const;

/** The table of cases: each reads the seeded history through the real API routes. */
const cases: Record<string, (s: Seeded) => Promise<unknown>> = {
  'results, newest page': (s) => get(s, `/v1/monitors/${s.monitors.m1}/results?limit=25`),
  'results, second page': async (s) => {
    const first = await get(s, `/v1/monitors/${s.monitors.m1}/results?limit=25`);
    return get(s, `/v1/monitors/${s.monitors.m1}/results?limit=25&cursor=${first.nextCursor}`);
  },
  'results, a day 50 days back': (s) =>
    get(
      s,
      `/v1/monitors/${s.monitors.m1}/results?limit=200&from=${new Date(NOW - 50 * D).toISOString()}&to=${new Date(NOW - 49 * D).toISOString()}`,
    ),
  ...Object.fromEntries(
    windows.flatMap((w) => [
      [`stats ${w}, m1`, (s: Seeded) => get(s, `/v1/monitors/${s.monitors.m1}/stats?window=${w}`)],
      [`stats ${w}, m2`, (s: Seeded) => get(s, `/v1/monitors/${s.monitors.m2}/stats?window=${w}`)],
    ]),
  ),
  incidents: (s) => get(s, '/v1/incidents?limit=50'),
  'an incident with its results': (s) => get(s, `/v1/incidents/${s.incidents[1]}`),
  'public status page': (s) => get(s, `/v1/public/status-pages/engines-${s.a.orgId.slice(0, 8)}`, null),
  // The hours both engines hold: up to the last one that ended before the rollup job's grace.
  'rollups per day, as the tenant reads them': (s) =>
    withTenant(s.db, s.a.orgId, async (tx) => {
      const { rows } = await sql<{ day: string; monitor: string; checks: number; failed: number }>`
        SELECT to_char(date_trunc('day', hour, 'UTC'), 'YYYY-MM-DD') AS day,
          CASE monitor_id WHEN ${s.monitors.m1}::uuid THEN 'm1' ELSE 'm2' END AS monitor,
          sum(checks)::integer AS checks, sum(failed)::integer AS failed
        FROM tenant_check_rollups_hourly WHERE hour < ${new Date(NOW - H)}
        GROUP BY 1, 2 ORDER BY 1, 2`.execute(tx);
      return rows;
    }),
};

const answers: Record<Engine, Record<string, unknown>> = { postgres: {}, timescaledb: {} };
const afterRetention: Record<Engine, Record<string, unknown>> = { postgres: {}, timescaledb: {} };
const engines: Array<[Engine, () => Promise<TestDb>]> = [
  ['postgres', createTestDatabase],
  ['timescaledb', createTimescaleTestDatabase],
];

describe.each(engines)('on %s', (engine, create) => {
  let testDb: TestDb;
  let s: Seeded;

  beforeAll(async () => {
    testDb = await create();
    s = await seed(engine, testDb);
    if (engine === 'timescaledb') await runJob(s.db, 'policy_compression');
    for (const [name, read] of Object.entries(cases)) answers[engine][name] = normalized(s, await read(s));
  }, 240_000);

  afterAll(async () => {
    await s?.app.close();
    await testDb?.drop();
  });

  it('counts every scheduled check in the stats windows, the late one too', () => {
    const checks = (w: string, m: string) =>
      (answers[engine][`stats ${w}, ${m}`] as { checks: number }).checks;
    expect(checks('24h', 'm1')).toBe(expectedChecks(20, D));
    expect(checks('7d', 'm1')).toBe(expectedChecks(20, 7 * D));
    expect(checks('30d', 'm1')).toBe(expectedChecks(20, 30 * D) + 1);
    expect(checks('90d', 'm1')).toBe(expectedChecks(20, 90 * D) + 1);
    expect(checks('90d', 'm2')).toBe(expectedChecks(60, 90 * D));
  });

  it('lets the tenant role read no other organization’s row from any relation', async () => {
    const { rows: relations } = await sql<{ name: string; kind: string; hasOrg: boolean; readable: boolean }>`
      SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS kind,
        EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id'
          AND NOT a.attisdropped AND a.atttypid = 'uuid'::regtype) AS "hasOrg",
        has_table_privilege('sentinelmesh_tenant', c.oid, 'SELECT')
          OR has_any_column_privilege('sentinelmesh_tenant', c.oid, 'SELECT') AS readable
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      ORDER BY 1`.execute(s.db);
    const resultRelations = relations.filter((r) =>
      engine === 'timescaledb'
        ? /^_timescaledb_internal\.(_hyper_|compress_hyper_|_materialized_hypertable_|_compressed_hypertable_)/.test(
            r.name,
          )
        : /^public\.check_results_(p\d{8}|default)$/.test(r.name),
    );
    // The enumeration really reaches the partitions or chunks (compressed ones and the aggregate's too).
    expect(resultRelations.length).toBeGreaterThan(engine === 'timescaledb' ? 20 : 100);
    if (engine === 'timescaledb') {
      expect(resultRelations.some((r) => r.name.includes('compress_hyper_'))).toBe(true);
      expect(resultRelations.some((r) => r.name.includes('_materialized_hypertable_'))).toBe(true);
    }
    const leaks: string[] = [];
    for (const relation of relations) {
      const where = relation.hasOrg
        ? sql`org_id IS DISTINCT FROM ${s.a.orgId}::uuid`
        : relation.name === 'public.organizations'
          ? sql`id <> ${s.a.orgId}::uuid`
          : relation.name === 'public.users'
            ? sql`id <> ${s.a.userId}::uuid`
            : sql`true`;
      try {
        const seen = await withTenant(s.db as never, s.a.orgId, async (tx) => {
          const { rows } = await sql<{ n: number }>`
            SELECT count(*)::integer AS n FROM ${sql.raw(relation.name)} WHERE ${where}`.execute(tx);
          return rows[0]?.n ?? 0;
        });
        // Readable without an org_id: only catalogs and settings that hold no tenant rows.
        const harmless =
          /^(_timescaledb_catalog|_timescaledb_config|_timescaledb_cache|timescaledb_information|timescaledb_experimental)\./.test(
            relation.name,
          ) ||
          /^_timescaledb_internal\.(bgw_job_stat|bgw_policy_chunk_stats|compressed_chunk_stats|hypertable_chunk_local_size)$/.test(
            relation.name,
          ) ||
          /^public\.(meta|kysely_migration|kysely_migration_lock)$/.test(relation.name);
        const filtered = relation.hasOrg || /^public\.(organizations|users)$/.test(relation.name);
        if (seen > 0 && (filtered || !harmless)) leaks.push(`${relation.name}: ${seen} rows`);
      } catch (error) {
        // Denied, or (compressed chunks) refused while planning a relation the role holds no right on.
        if ((error as { code?: string }).code !== '42501' && relation.readable) throw error;
      }
    }
    expect(leaks).toEqual([]);
    for (const relation of resultRelations) expect(relation.readable, relation.name).toBe(false);
  });

  it('removes raw results past the retention and keeps long-range stats from the rollups', async () => {
    const before = await sql<{ n: number }>`
      SELECT count(*)::integer AS n FROM check_results WHERE scheduled_at < ${new Date(NOW - RETENTION_DAYS * D)}`.execute(
      s.db,
    );
    expect(before.rows[0]?.n).toBeGreaterThan(0);
    const dropped = await runRetention(s.db as never, new Date(NOW), RETENTION_DAYS);
    expect(dropped?.length).toBeGreaterThanOrEqual(69);
    const cutoffDay = Math.floor((NOW - RETENTION_DAYS * D) / D) * D;
    const left = await sql<{ n: number }>`
      SELECT count(*)::integer AS n FROM check_results WHERE scheduled_at < ${new Date(cutoffDay)}`.execute(
      s.db,
    );
    expect(left.rows[0]?.n).toBe(0);
    // The rollup job or policy running again must not lose what the raw rows no longer hold.
    if (engine === 'timescaledb') await refreshRollups(engine, s.db);
    else await runRollups(s.db as never, new Date(NOW));
    for (const name of [
      'stats 90d, m1',
      'stats 90d, m2',
      'stats 30d, m1',
      'rollups per day, as the tenant reads them',
    ]) {
      afterRetention[engine][name] = normalized(s, await cases[name]?.(s));
      expect(afterRetention[engine][name], name).toEqual(answers[engine][name]);
    }
  });

  if (engine === 'timescaledb') {
    it('compresses old chunks by the policy, and still takes ON CONFLICT DO NOTHING inserts into them', async () => {
      const { rows } = await sql<{ compressed: number; plain: number }>`
        SELECT count(*) FILTER (WHERE is_compressed)::integer AS compressed,
          count(*) FILTER (WHERE NOT is_compressed)::integer AS plain
        FROM timescaledb_information.chunks WHERE hypertable_name = 'check_results'`.execute(s.db);
      expect(rows[0]?.compressed).toBeGreaterThan(15);
      const size = await sql<{ before: number; after: number }>`
        SELECT sum(before_compression_total_bytes)::bigint AS before, sum(after_compression_total_bytes)::bigint AS after
        FROM chunk_compression_stats('check_results') WHERE compression_status = 'Compressed'`.execute(s.db);
      expect(Number(size.rows[0]?.after)).toBeLessThan(Number(size.rows[0]?.before));

      const existing = history(s.a.orgId, s.monitors.m1, 20)[20 * 72 - 1]; // 20 days back: compressed
      const count = async () =>
        (
          await sql<{ n: number }>`SELECT count(*)::integer AS n FROM check_results
            WHERE monitor_id = ${s.monitors.m1} AND scheduled_at >= ${new Date(NOW - 21 * D)} AND scheduled_at < ${new Date(NOW - 19 * D)}`.execute(
            s.db,
          )
        ).rows[0]?.n;
      const n = await count();
      const again = await s.db
        .insertInto('check_results')
        .values([existing, { ...existing, scheduled_at: new Date(NOW - 20 * D + 11 * 60_000) }] as never)
        .onConflict((oc) => oc.columns(['monitor_id', 'scheduled_at', 'region', 'kind']).doNothing())
        .execute();
      expect(Number(again[0]?.numInsertedOrUpdatedRows)).toBe(1);
      expect(await count()).toBe((n ?? 0) + 1);
    });

    it('materializes the aggregate by its policy', async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::integer AS n FROM ${sql.raw(
          (
            await sql<{ name: string }>`
              SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name) AS name
              FROM timescaledb_information.continuous_aggregates WHERE view_name = 'check_rollups_hourly'`.execute(
              s.db,
            )
          ).rows[0]?.name ?? 'missing',
        )}`.execute(s.db);
      expect(rows[0]?.n).toBeGreaterThan(1000);
    });
  }
});

describe('both engines', () => {
  it.each(Object.keys(cases))('answer “%s” the same', (name) => {
    expect(answers.timescaledb[name]).toBeDefined();
    expect(answers.timescaledb[name]).toEqual(answers.postgres[name]);
  });

  it('answer the same after retention', () => {
    expect(Object.keys(afterRetention.timescaledb)).toHaveLength(4);
    expect(afterRetention.timescaledb).toEqual(afterRetention.postgres);
  });
});
