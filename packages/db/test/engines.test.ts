import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Db, migrateToLatest } from '../src';
import { insertMonitor } from '../src/fixtures';
import { migrations } from '../src/migrations/index';
import type { TestDatabase } from '../src/testing';
import { createTimescaleTestDatabase } from '../src/testing/timescale';

// Every migration on both engines, from an empty database and as an upgrade of one that stopped at
// 0004-api with data in it.
const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const t of opened) await t.drop();
});

/** An empty database on the test run's plain Postgres (no template). */
async function emptyPostgres(): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `empty_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).finally(() => admin.end());
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDb({ connectionString: url.toString(), max: 2 });
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.destroy();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client
        .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
        .finally(() => client.end());
    },
  };
}

const engines = [
  ['postgres', emptyPostgres],
  ['timescaledb', () => createTimescaleTestDatabase({ migrate: false })],
] as const;

async function migrateTo(db: Db, name: string) {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

async function seedResult(db: Db) {
  const org = await db
    .insertInto('organizations')
    .values({ name: 'Old', slug: `old-${randomBytes(3).toString('hex')}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const monitor = { id: await insertMonitor(db, org.id, { config: { name: 'x' } }) };
  await db
    .insertInto('check_results')
    .values({
      org_id: org.id,
      monitor_id: monitor.id,
      scheduled_at: new Date(Date.now() - 3_600_000),
      checked_at: new Date(),
      region: 'local',
      kind: 'scheduled',
      attempt: 0,
      ok: true,
      status_code: 200,
      latency_ms: 12,
      phases: JSON.stringify({}),
      failed_assertions: JSON.stringify([]),
    })
    .execute();
  return org.id;
}

/** Relations holding results that the tenant role can read directly: none may be left. */
async function openToTenant(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm')
      AND (c.relname LIKE 'check_r%' OR n.nspname = '_timescaledb_internal')
      AND c.relname NOT LIKE 'tenant\\_%'
      AND has_table_privilege('sentinelmesh_tenant', c.oid, 'SELECT')
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id')`.execute(
    db,
  );
  return rows.map((r) => r.name);
}

const asTenant = (db: Db, orgId: string) =>
  db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('app.org_id', ${orgId}, true), set_config('role', 'sentinelmesh_tenant', true)`.execute(
      tx,
    );
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::integer AS n FROM tenant_check_results`.execute(tx);
    return rows[0]?.n;
  });

describe.each(engines)('migrations on %s', (engine, create) => {
  it('run from an empty database', async () => {
    const t = await create();
    opened.push(t);
    const applied = await migrateToLatest(t.db);
    expect(applied).toEqual(Object.keys(migrations));
    const storage = await t.db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', 'check_results_storage')
      .execute();
    expect(storage[0]?.value).toBe(engine === 'timescaledb' ? 'timescale' : 'partitioned');
    expect(await openToTenant(t.db)).toEqual([]);
    const orgId = await seedResult(t.db);
    expect(await asTenant(t.db, orgId)).toBe(1);
    if (engine === 'timescaledb') {
      const { rows } = await sql<{ compression: boolean; rls: boolean }>`
        SELECT h.compression_enabled AS compression, c.relrowsecurity AS rls
        FROM timescaledb_information.hypertables h, pg_class c
        WHERE h.hypertable_name = 'check_results' AND c.oid = 'check_results'::regclass`.execute(t.db);
      expect(rows[0]).toEqual({ compression: true, rls: false });
      const jobs = await sql<{ proc: string; start: string | null }>`
        SELECT proc_name AS proc, config ->> 'start_offset' AS start FROM timescaledb_information.jobs
        WHERE hypertable_name IN ('check_results', 'check_rollups_hourly') ORDER BY 1`.execute(t.db);
      expect(jobs.rows).toEqual([
        { proc: 'policy_compression', start: null },
        { proc: 'policy_refresh_continuous_aggregate', start: null },
      ]);
    }
  }, 120_000);

  it('upgrade a database that stopped at 0004-api, keeping its results', async () => {
    const t = await create();
    opened.push(t);
    await migrateTo(t.db, '0004-api');
    const orgId = await seedResult(t.db);
    if (engine === 'postgres') {
      // The leak this upgrade closes: partitions were open to the tenant role.
      expect((await openToTenant(t.db)).length).toBeGreaterThan(0);
    }
    await migrateToLatest(t.db);
    expect(await openToTenant(t.db)).toEqual([]);
    expect(await asTenant(t.db, orgId)).toBe(1);
    expect(await asTenant(t.db, '00000000-0000-4000-8000-000000000000')).toBe(0);
  }, 120_000);
});

describe('raw-result retention on TimescaleDB under a role that owns nothing', () => {
  it('drops expired chunks and narrows the rollup refresh only through drop_expired_result_chunks', async () => {
    const t = await createTimescaleTestDatabase({ migrate: false });
    opened.push(t);
    await migrateToLatest(t.db);
    const orgId = await seedResult(t.db);
    const monitor = await t.db
      .selectFrom('monitors')
      .select('id')
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('check_results')
      .values({
        org_id: orgId,
        monitor_id: monitor.id,
        scheduled_at: new Date(Date.now() - 40 * 86_400_000),
        checked_at: new Date(Date.now() - 40 * 86_400_000),
        region: 'local',
        kind: 'scheduled',
        attempt: 0,
        ok: true,
        status_code: 200,
        latency_ms: 12,
        phases: JSON.stringify({}),
        failed_assertions: JSON.stringify([]),
      })
      .execute();
    // What the migrate step grants the apps' role, in short: rows and the schema owner's functions.
    await sql`CREATE ROLE retention_probe NOLOGIN NOINHERIT`.execute(t.db);
    await sql`GRANT USAGE ON SCHEMA public TO retention_probe`.execute(t.db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO retention_probe`.execute(
      t.db,
    );
    await sql`GRANT EXECUTE ON FUNCTION drop_expired_result_chunks(timestamptz, text) TO retention_probe`.execute(
      t.db,
    );
    const asProbe = <T>(statement: ReturnType<typeof sql<T>>) =>
      t.db.transaction().execute(async (tx) => {
        await sql`SET LOCAL ROLE retention_probe`.execute(tx);
        return (await statement.execute(tx)).rows;
      });
    const cutoff = new Date(Date.now() - 30 * 86_400_000);

    await expect(
      asProbe(sql`SELECT drop_chunks('check_results', older_than => ${cutoff}::timestamptz)::text`),
    ).rejects.toMatchObject({ code: '42501' });
    const dropped = await asProbe(
      sql<{ chunk: string }>`SELECT drop_expired_result_chunks(${cutoff}::timestamptz, '29 days') AS chunk`,
    );
    expect(dropped).toHaveLength(1);
    const left = await sql<{ old: number; recent: number }>`
      SELECT count(*) FILTER (WHERE scheduled_at < ${cutoff})::integer AS old,
             count(*) FILTER (WHERE scheduled_at >= ${cutoff})::integer AS recent
      FROM check_results`.execute(t.db);
    expect(left.rows[0]).toEqual({ old: 0, recent: 1 });
    const job = await sql<{ start: string }>`
      SELECT config ->> 'start_offset' AS start FROM timescaledb_information.jobs
      WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name = 'check_rollups_hourly'`.execute(
      t.db,
    );
    expect(job.rows[0]?.start).toBe('29 days');
    await expect(
      asProbe(sql`SELECT drop_expired_result_chunks(${cutoff}::timestamptz, '1 day; DROP TABLE monitors')`),
    ).rejects.toMatchObject({ code: '22023' });
  }, 240_000);
});
