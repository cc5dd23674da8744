import { createDb, type Db } from '@sentinelmesh/db';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_ROLE } from '../src/db/tenant';
import { runRollups } from '../src/jobs/rollups';
import {
  client,
  createTestDatabase,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  withTenant,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let a: Session;
let b: Session;
let tenantTables: string[];
const seeded = [
  'monitors',
  'monitor_state',
  'monitor_channels',
  'check_results',
  'check_rollups_hourly',
  'incidents',
  'channels',
  'alerts',
  'api_keys',
  'status_pages',
  'status_page_monitors',
  'maintenance_windows',
  'maintenance_window_monitors',
  'memberships',
  'refresh_tokens',
  'invitations',
  'oncall_rotations',
  'oncall_overrides',
];

const viewed = ['check_results', 'check_rollups_hourly'];

async function seed(owner: Session) {
  const as = client(api.app, owner.token);
  const channel = (
    await as.post('/v1/channels', {
      type: 'webhook',
      name: 'hook',
      config: { url: 'https://hooks.example.com/x' },
    })
  ).json();
  const monitor = (await as.post('/v1/monitors', httpMonitor({ channelIds: [channel.id] }))).json();
  await as.post('/v1/status-pages', {
    slug: `page-${owner.orgId.slice(0, 8)}`,
    title: 't',
    monitorIds: [monitor.id],
  });
  await as.post('/v1/api-keys', { name: 'k', role: 'viewer' });
  await as.post('/v1/maintenance-windows', {
    name: 'w',
    monitorIds: [monitor.id],
    startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    endsAt: new Date(Date.now() + 7_200_000).toISOString(),
  });
  await as.post(`/v1/channels/${channel.id}/test`);
  const rotation = (
    await as.post('/v1/oncall-rotations', {
      name: 'r',
      cadence: 'daily',
      handoffTime: '09:00',
      timeZone: 'UTC',
      startsAt: new Date().toISOString(),
      memberIds: [owner.userId],
    })
  ).json();
  await as.post(`/v1/oncall-rotations/${rotation.id}/overrides`, {
    userId: owner.userId,
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  await as.post('/v1/members', { email: `invitee-${owner.orgId.slice(0, 8)}@example.com`, role: 'viewer' });
  const scheduled = new Date(Date.now() - 2 * 3_600_000);
  await testDb.db
    .insertInto('check_results')
    .values({
      org_id: owner.orgId,
      monitor_id: monitor.id,
      scheduled_at: scheduled,
      checked_at: scheduled,
      region: 'local',
      kind: 'scheduled',
      attempt: 0,
      ok: true,
      status_code: 200,
      latency_ms: 50,
      phases: JSON.stringify({}),
      failed_assertions: JSON.stringify([]),
    } as never)
    .execute();
  await testDb.db
    .insertInto('incidents')
    .values({
      org_id: owner.orgId,
      monitor_id: monitor.id,
      status: 'resolved',
      opened_at: scheduled,
      resolved_at: new Date(),
    })
    .execute();
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  a = await signupUser(api.app, 'Tenant A');
  b = await signupUser(api.app, 'Tenant B');
  await seed(a);
  await seed(b);
  await runRollups(testDb.db, new Date());
  const { rows } = await sql<{ table_name: string }>`
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' AND c.column_name = 'org_id' AND t.table_type = 'BASE TABLE'
      AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = (quote_ident(c.table_name))::regclass)
    ORDER BY 1`.execute(testDb.db);
  tenantTables = rows.map((r) => r.table_name);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const count = async (db: Db, table: string, where = sql`true`) => {
  const { rows } = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM ${sql.id(table)} WHERE ${where}`.execute(db);
  return rows[0]?.n ?? -1;
};

describe('row-level security', () => {
  it('is enabled and forced on every table that carries an org_id, and on organizations and users', async () => {
    expect(tenantTables).toEqual(
      expect.arrayContaining([
        'monitors',
        'check_results',
        'incidents',
        'channels',
        'alerts',
        'api_keys',
        'status_pages',
        'maintenance_windows',
        'check_rollups_hourly',
        'memberships',
        'refresh_tokens',
        'invitations',
      ]),
    );
    const { rows } = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relname = ANY(${[...tenantTables, 'organizations', 'users']})`.execute(
      testDb.db,
    );
    expect(rows).toHaveLength(tenantTables.length + 2);
    for (const row of rows)
      expect(row, row.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it('shows a tenant none of another tenant’s rows, in every tenant table, even without an org_id filter', async () => {
    for (const table of tenantTables) {
      const everyone = await count(testDb.db, table, sql`org_id = ${b.orgId}`);
      // Results and rollups are read through their tenant views (0008-engines); the tables are closed.
      const readable = viewed.includes(table) ? `tenant_${table}` : table;
      const seenByA = await withTenant(testDb.db, a.orgId, async (tx) => ({
        others: await count(tx, readable, sql`org_id <> ${a.orgId}`),
        all: await count(tx, readable),
        own: await count(tx, readable, sql`org_id = ${a.orgId}`),
      }));
      expect(seenByA.others, `${table}: rows of other tenants`).toBe(0);
      expect(seenByA.all, table).toBe(seenByA.own);
      // The seed writes rows of B into these, so 0 above means hidden, not absent.
      if (seeded.includes(table)) expect(everyone, `${table} has rows of tenant B`).toBeGreaterThan(0);
    }
    const orgs = await withTenant(testDb.db, a.orgId, (tx) => count(tx, 'organizations'));
    expect(orgs).toBe(1);
    const users = await withTenant(testDb.db, a.orgId, (tx) =>
      sql<{ id: string }>`SELECT id FROM users`.execute(tx),
    );
    expect(users.rows.map((r) => r.id)).toEqual([a.userId]);
  });

  it('gives the tenant role no access to results and rollups except through their tenant views', async () => {
    for (const table of viewed) {
      const direct = withTenant(testDb.db, a.orgId, (tx) => count(tx, table));
      await expect(direct, table).rejects.toMatchObject({ code: '42501' });
      const write = withTenant(testDb.db, a.orgId, (tx) =>
        sql`DELETE FROM ${sql.id(`tenant_${table}`)}`.execute(tx),
      );
      await expect(write, `tenant_${table}`).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('refuses a tenant writing, moving or deleting another tenant’s rows', async () => {
    const monitorOfB = await testDb.db
      .selectFrom('monitors')
      .select('id')
      .where('org_id', '=', b.orgId)
      .executeTakeFirstOrThrow();
    const insert = withTenant(testDb.db, a.orgId, (tx) =>
      sql`INSERT INTO channels (org_id, type, name) VALUES (${b.orgId}, 'webhook', 'sneaky')`.execute(tx),
    );
    await expect(insert).rejects.toMatchObject({ code: '42501' });
    const moved = withTenant(testDb.db, a.orgId, (tx) =>
      sql`UPDATE monitors SET org_id = ${b.orgId} WHERE org_id = ${a.orgId}`.execute(tx),
    );
    await expect(moved).rejects.toMatchObject({ code: '42501' });
    const deleted = await withTenant(testDb.db, a.orgId, (tx) =>
      sql`DELETE FROM monitors WHERE id = ${monitorOfB.id}`.execute(tx),
    );
    expect(Number(deleted.numAffectedRows ?? 0)).toBe(0);
    expect(await count(testDb.db, 'monitors', sql`id = ${monitorOfB.id}`)).toBe(1);
  });

  it('gives tenant transactions no access to user tokens, which belong to no organization', async () => {
    const read = withTenant(testDb.db, a.orgId, (tx) => count(tx, 'user_tokens'));
    await expect(read).rejects.toMatchObject({ code: '42501' });
    expect(await count(testDb.db, 'user_tokens')).toBeGreaterThan(0);
  });

  it('shows the tenant role nothing when no organization is set', async () => {
    const seen = await testDb.db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', ${TENANT_ROLE}, true)`.execute(tx);
      return count(tx, 'monitors');
    });
    expect(seen).toBe(0);
  });

  it('returns the pooled connection clean: role and organization end with the transaction', async () => {
    const single = createDb({ connectionString: testDb.url, max: 1 });
    try {
      await withTenant(single, a.orgId, (tx) => count(tx, 'monitors'));
      const { rows } = await sql<{ who: string; org: string | null }>`
        SELECT current_user AS who, nullif(current_setting('app.org_id', true), '') AS org`.execute(single);
      expect(rows[0]).toEqual({ who: 'postgres', org: null });
      expect(await count(single, 'monitors')).toBe(2);
    } finally {
      await single.destroy();
    }
  });

  it('keeps cross-tenant access for the background apps’ own connections', async () => {
    expect(await count(testDb.db, 'monitors')).toBe(2);
    expect(await count(testDb.db, 'check_results')).toBe(2);
  });
});
