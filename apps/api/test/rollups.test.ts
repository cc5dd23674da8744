import type { TestDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpRollups, runRollups } from '../src/jobs/rollups';
import {
  client,
  createTestDatabase,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let monitorId: string;

const result = (at: Date, latency: number, ok = true) => ({
  org_id: owner.orgId,
  monitor_id: monitorId,
  scheduled_at: at,
  checked_at: at,
  region: 'local',
  kind: 'scheduled' as const,
  attempt: 0,
  ok,
  status_code: 200,
  latency_ms: latency,
  phases: JSON.stringify({}),
  failed_assertions: JSON.stringify([]),
});

const rollups = () =>
  testDb.db
    .selectFrom('check_rollups_hourly')
    .select(['hour', 'bucket', 'checks', 'failed'])
    .where('monitor_id', '=', monitorId)
    .orderBy('hour')
    .orderBy('bucket')
    .execute();

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Rollups');
  monitorId = (await client(api.app, owner.token).post('/v1/monitors', httpMonitor())).json().id;
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('the rollup job', () => {
  it('counts scheduled checks per hour and latency bucket, up to the last hour that ended', async () => {
    const t = (iso: string) => new Date(iso);
    await testDb.db
      .insertInto('check_results')
      .values([
        result(t('2026-05-01T10:05:00Z'), 100),
        result(t('2026-05-01T10:35:00Z'), 100, false),
        result(t('2026-05-01T11:10:00Z'), 200),
        result(t('2026-05-01T12:01:00Z'), 300),
      ] as never)
      .execute();
    const through = await runRollups(testDb.db, t('2026-05-01T12:30:00Z'));
    expect(through?.toISOString()).toBe('2026-05-01T12:00:00.000Z');
    expect(await rollups()).toEqual([
      { hour: t('2026-05-01T10:00:00Z'), bucket: expect.any(Number), checks: 2, failed: 1 },
      { hour: t('2026-05-01T11:00:00Z'), bucket: expect.any(Number), checks: 1, failed: 0 },
    ]);
  });

  it('picks up a late result of a recent hour on its next run', async () => {
    await testDb.db
      .insertInto('check_results')
      .values([result(new Date('2026-05-01T11:50:00Z'), 200)] as never)
      .execute();
    expect((await runRollups(testDb.db, new Date('2026-05-01T13:05:00Z')))?.toISOString()).toBe(
      '2026-05-01T13:00:00.000Z',
    );
    const rows = await rollups();
    expect(rows.map((r) => [r.hour.toISOString(), r.checks])).toEqual([
      ['2026-05-01T10:00:00.000Z', 2],
      ['2026-05-01T11:00:00.000Z', 2],
      ['2026-05-01T12:00:00.000Z', 1],
    ]);
  });

  it('works off a long backlog a week per run, and catches up in a loop', async () => {
    const through = await runRollups(testDb.db, new Date('2026-06-01T00:30:00Z'));
    // From the watermark (13:00) minus two hours, one week on.
    expect(through?.toISOString()).toBe('2026-05-08T11:00:00.000Z');
    expect((await catchUpRollups(testDb.db, new Date('2026-06-01T00:30:00Z')))?.toISOString()).toBe(
      '2026-06-01T00:00:00.000Z',
    );
  });

  it('counts a result written days late for an hour it has already rolled up', async () => {
    const hour = (iso: string) => rollups().then((rows) => rows.filter((r) => r.hour.toISOString() === iso));
    const before = (await hour('2026-05-03T08:00:00.000Z')).reduce((n, r) => n + r.checks, 0);
    // The watermark is weeks past this hour; the job's own recompute window no longer reaches it.
    await testDb.db
      .insertInto('check_results')
      .values([result(new Date('2026-05-03T08:20:00Z'), 40, false)] as never)
      .execute();
    await runRollups(testDb.db, new Date('2026-06-01T16:30:00Z'));
    const rows = await hour('2026-05-03T08:00:00.000Z');
    expect(rows.reduce((n, r) => n + r.checks, 0)).toBe(before + 1);
    expect(rows.reduce((n, r) => n + r.failed, 0)).toBe(1);
  });

  it('counts a duplicate late result once', async () => {
    const again = await testDb.db
      .insertInto('check_results')
      .values([result(new Date('2026-05-03T08:20:00Z'), 40, false)] as never)
      .onConflict((oc) => oc.doNothing())
      .execute();
    expect(Number(again[0]?.numInsertedOrUpdatedRows)).toBe(0);
    const rows = await rollups();
    expect(
      rows
        .filter((r) => r.hour.toISOString() === '2026-05-03T08:00:00.000Z')
        .reduce((n, r) => n + r.checks, 0),
    ).toBe(1);
  });

  it('skips a run while another process holds the lock', async () => {
    const holder = await testDb.db.connection().execute(async (conn) => {
      await sql`BEGIN`.execute(conn);
      await sql`SELECT pg_advisory_xact_lock(hashtext('sentinelmesh:rollups-hourly'))`.execute(conn);
      try {
        return await runRollups(testDb.db, new Date('2026-06-01T16:05:00Z'));
      } finally {
        await sql`ROLLBACK`.execute(conn);
      }
    });
    expect(holder).toBeNull();
    expect((await runRollups(testDb.db, new Date('2026-06-01T16:05:00Z')))?.toISOString()).toBe(
      '2026-06-01T16:00:00.000Z',
    );
  });
});
