import { createDb, ensureResultPartitions } from '@sentinelmesh/db';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiEnv } from '../src/env';
import { runRetention } from '../src/jobs/retention';
import { client, createTestDatabase, httpMonitor, signupUser, startApi, type TestApi } from './helpers';

const D = 86_400_000;
const NOW = new Date('2026-07-15T12:00:00Z');

let testDb: TestDatabase;
let api: TestApi;
let orgId: string;
let monitorId: string;

const partitions = async () =>
  (
    await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'check_results'::regclass ORDER BY 1`.execute(testDb.db)
  ).rows.map((r) => r.name);

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  const owner = await signupUser(api.app, 'Retention');
  orgId = owner.orgId;
  monitorId = (await client(api.app, owner.token).post('/v1/monitors', httpMonitor())).json().id;
  await ensureResultPartitions(testDb.db, new Date(NOW.getTime() - 20 * D), 21);
  const rows = Array.from({ length: 20 * 24 }, (_, i) => {
    const at = new Date(NOW.getTime() - (i + 1) * 3_600_000);
    return {
      org_id: orgId,
      monitor_id: monitorId,
      scheduled_at: at,
      checked_at: at,
      region: 'local',
      kind: 'scheduled' as const,
      attempt: 0,
      ok: true,
      status_code: 200,
      latency_ms: 10,
      phases: JSON.stringify({}),
      failed_assertions: JSON.stringify([]),
    };
  });
  await testDb.db
    .insertInto('check_results')
    .values(rows as never)
    .execute();
  // A straggler older than every day partition lands in the default one.
  await testDb.db
    .insertInto('check_results')
    .values({ ...rows[0], scheduled_at: new Date(NOW.getTime() - 40 * D) } as never)
    .execute();
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('raw-result retention on plain Postgres', () => {
  it('is a deployment setting of whole days, 90 by default', () => {
    const env = (value?: string) =>
      parseApiEnv({
        DATABASE_URL: testDb.url,
        REDIS_URL: 'redis://127.0.0.1:6379',
        JWT_SECRET: 'x'.repeat(32),
        SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
        ...(value === undefined ? {} : { RESULT_RETENTION_DAYS: value }),
      });
    expect(env().RESULT_RETENTION_DAYS).toBe(90);
    expect(env('14').RESULT_RETENTION_DAYS).toBe(14);
    expect(() => env('0')).toThrow(/RESULT_RETENTION_DAYS/);
  });

  it('detaches and drops the old day partitions once when several replicas run it at the same moment', async () => {
    const before = await partitions();
    const pools = Array.from({ length: 4 }, () => createDb({ connectionString: testDb.url, max: 2 }));
    try {
      const runs = await Promise.all(pools.map((db) => runRetention(db, NOW, 7)));
      const worked = runs.filter((r) => r !== null);
      expect(worked.length).toBeGreaterThanOrEqual(1);
      const dropped = worked.flatMap((r) => r ?? []);
      // Each partition is dropped by exactly one run; the days ending by the cutoff (07-08 12:00) go.
      expect(new Set(dropped).size).toBe(dropped.length);
      expect(dropped.sort()).toEqual(before.filter((name) => /p2026(06(2[4-9]|30)|070[1-7])$/.test(name)));
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
    const after = await partitions();
    expect(after).toContain('check_results_default');
    expect(after).toContain('check_results_p20260708');
    const { rows } = await sql<{ oldest: Date; n: number }>`
      SELECT min(scheduled_at) AS oldest, count(*)::integer AS n FROM check_results`.execute(testDb.db);
    expect(rows[0]?.oldest.toISOString()).toBe('2026-07-08T00:00:00.000Z');
    expect(rows[0]?.n).toBe(7 * 24 + 12);
    const mark = await testDb.db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', 'results_retained_from')
      .executeTakeFirst();
    expect(mark?.value).toBe('2026-07-08T12:00:00.000Z');
  });

  it('skips a run while another process holds the lock', async () => {
    const single = createDb({ connectionString: testDb.url, max: 1 });
    try {
      await single.connection().execute(async (conn) => {
        await sql`SELECT pg_advisory_lock(hashtext('sentinelmesh:result-retention'))`.execute(conn);
        try {
          expect(await runRetention(testDb.db, new Date(NOW.getTime() + 5 * D), 7)).toBeNull();
        } finally {
          await sql`SELECT pg_advisory_unlock(hashtext('sentinelmesh:result-retention'))`.execute(conn);
        }
      });
    } finally {
      await single.destroy();
    }
    expect(await partitions()).toContain('check_results_p20260708');
  });

  it('creates new day partitions closed to the tenant role', async () => {
    await ensureResultPartitions(testDb.db, new Date(NOW.getTime() + 60 * D), 0);
    const { rows } = await sql<{ name: string; readable: boolean }>`
      SELECT c.relname AS name, has_table_privilege('sentinelmesh_tenant', c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS readable
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'check_results'::regclass`.execute(testDb.db);
    expect(rows.map((r) => r.name)).toContain('check_results_p20260913');
    expect(rows.filter((r) => r.readable)).toEqual([]);
  });
});
