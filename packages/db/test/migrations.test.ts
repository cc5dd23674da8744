import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureResultPartitions, migrateToLatest, resultStorage } from '../src';
import { insertMonitor } from '../src/fixtures';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

describe('migrations', () => {
  it('are idempotent: running them again applies nothing', async () => {
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('store check results in day partitions when TimescaleDB is absent', async () => {
    expect(await resultStorage(t.db)).toBe('partitioned');
    const created = await ensureResultPartitions(t.db, new Date(Date.now() + 30 * 86_400_000), 1);
    expect(created).toBe(3);
    const again = await ensureResultPartitions(t.db, new Date(Date.now() + 30 * 86_400_000), 1);
    expect(again).toBe(0);
  });

  it('keep one result per monitor, slot, region and kind', async () => {
    const org = await t.db
      .insertInto('organizations')
      .values({ name: 'Acme', slug: 'acme' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const monitor = await t.db
      .selectFrom('monitors')
      .select(['id', 'name', 'interval_seconds'])
      .where('id', '=', await insertMonitor(t.db, org.id, { config: { name: 'x', intervalSeconds: 60 } }))
      .executeTakeFirstOrThrow();
    expect(monitor).toMatchObject({ name: 'x', interval_seconds: 60 });
    const row = {
      org_id: org.id,
      monitor_id: monitor.id,
      scheduled_at: new Date('2030-01-01T00:00:00Z'),
      checked_at: new Date(),
      region: 'local',
      kind: 'scheduled' as const,
      attempt: 0,
      ok: true,
      status_code: 200,
      latency_ms: 12,
      phases: JSON.stringify({}),
      failed_assertions: JSON.stringify([]),
    };
    const first = await t.db
      .insertInto('check_results')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .execute();
    const second = await t.db
      .insertInto('check_results')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .execute();
    expect(Number(first[0]?.numInsertedOrUpdatedRows)).toBe(1);
    expect(Number(second[0]?.numInsertedOrUpdatedRows)).toBe(0);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM check_results`.execute(t.db);
    expect(rows[0]?.n).toBe(1);
  });
});
