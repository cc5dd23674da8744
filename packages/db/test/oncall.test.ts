import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseNow, loadRotation, onCallInRotation } from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let t: TestDatabase;
let orgId: string;
let otherOrgId: string;
const users: string[] = [];

async function user(email: string, org: string): Promise<string> {
  const row = await t.db
    .insertInto('users')
    .values({ email, password_hash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db.insertInto('memberships').values({ org_id: org, user_id: row.id, role: 'member' }).execute();
  return row.id;
}

async function rotation(org: string, memberIds: string[], startsAt = new Date('2026-03-25T08:00:00Z')) {
  return (
    await t.db
      .insertInto('oncall_rotations')
      .values({
        org_id: org,
        name: 'Primary',
        cadence: 'daily',
        handoff_time: '09:00',
        handoff_weekday: null,
        time_zone: 'Europe/Berlin',
        starts_at: startsAt,
        member_ids: memberIds,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const orgs = await t.db
    .insertInto('organizations')
    .values([
      { name: 'Acme', slug: 'acme' },
      { name: 'Other', slug: 'other' },
    ])
    .returning('id')
    .execute();
  orgId = orgs[0]?.id ?? '';
  otherOrgId = orgs[1]?.id ?? '';
  for (const name of ['ana', 'ben', 'cem']) users.push(await user(`${name}@example.com`, orgId));
});
afterAll(async () => t?.drop());

describe('on-call rotations in the database', () => {
  it('names who is on call at a time, the shift around it, and nobody for another organization', async () => {
    const [ana, ben] = users as [string, string];
    const id = await rotation(orgId, [ana, ben]);
    const first = await onCallInRotation(t.db, orgId, id, new Date('2026-03-25T12:00:00Z'));
    expect(first).toMatchObject({ userId: ana, overrideId: null });
    expect(first?.shiftEnd.toISOString()).toBe('2026-03-26T08:00:00.000Z');
    expect((await onCallInRotation(t.db, orgId, id, new Date('2026-03-26T08:00:00Z')))?.userId).toBe(ben);
    expect(await onCallInRotation(t.db, otherOrgId, id, new Date('2026-03-26T08:00:00Z'))).toBeNull();
    expect(await onCallInRotation(t.db, orgId, id, new Date('2026-03-25T07:00:00Z'))).toBeNull();
  });

  it('lets the latest-created override win and ignores people who left the organization', async () => {
    const [ana, ben, cem] = users as [string, string, string];
    const id = await rotation(orgId, [ana, ben, cem]);
    const override = (userId: string, createdAt: string) =>
      t.db
        .insertInto('oncall_overrides')
        .values({
          org_id: orgId,
          rotation_id: id,
          user_id: userId,
          starts_at: new Date('2026-03-25T10:00:00Z'),
          ends_at: new Date('2026-03-25T12:00:00Z'),
          created_at: new Date(createdAt),
        })
        .execute();
    await override(cem, '2026-03-01T00:00:00Z');
    await override(ben, '2026-03-02T00:00:00Z');
    const at = new Date('2026-03-25T11:00:00Z');
    expect((await onCallInRotation(t.db, orgId, id, at))?.userId).toBe(ben);

    await t.db.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', ben).execute();
    expect((await onCallInRotation(t.db, orgId, id, at))?.userId).toBe(cem);
    const loaded = await loadRotation(t.db, orgId, id);
    expect(loaded?.spec.memberIds).toEqual([ana, cem]);
    await t.db.insertInto('memberships').values({ org_id: orgId, user_id: ben, role: 'member' }).execute();
  });

  it('deletes a rotation’s overrides with it, and a member’s personal channel with the member', async () => {
    const [ana] = users as [string];
    const id = await rotation(orgId, [ana]);
    await t.db
      .insertInto('oncall_overrides')
      .values({
        org_id: orgId,
        rotation_id: id,
        user_id: ana,
        starts_at: new Date(),
        ends_at: new Date(Date.now() + 1000),
      })
      .execute();
    await t.db.deleteFrom('oncall_rotations').where('id', '=', id).execute();
    const left = await t.db
      .selectFrom('oncall_overrides')
      .select('id')
      .where('rotation_id', '=', id)
      .execute();
    expect(left).toEqual([]);

    const gone = await user('dan@example.com', orgId);
    await t.db
      .insertInto('channels')
      .values({
        org_id: orgId,
        type: 'email',
        name: 'mine',
        config: JSON.stringify({ to: [] }),
        user_id: gone,
        updated_at: new Date(),
      })
      .execute();
    await t.db.deleteFrom('users').where('id', '=', gone).execute();
    const channels = await t.db.selectFrom('channels').select('id').where('user_id', '=', gone).execute();
    expect(channels).toEqual([]);
  });

  it('refuses a weekly rotation without a weekday, a bad handoff time and an override ending before it starts', async () => {
    const base = {
      org_id: orgId,
      name: 'x',
      cadence: 'weekly' as const,
      handoff_time: '09:00',
      handoff_weekday: null,
      time_zone: 'UTC',
      starts_at: new Date(),
    };
    await expect(t.db.insertInto('oncall_rotations').values(base).execute()).rejects.toMatchObject({
      code: '23514',
    });
    await expect(
      t.db
        .insertInto('oncall_rotations')
        .values({ ...base, handoff_weekday: 1, handoff_time: '24:00' })
        .execute(),
    ).rejects.toMatchObject({ code: '23514' });
    const id = await rotation(orgId, []);
    const now = await databaseNow(t.db);
    await expect(
      sql`INSERT INTO oncall_overrides (org_id, rotation_id, user_id, starts_at, ends_at)
        VALUES (${orgId}, ${id}, ${users[0]}, ${now}, ${now})`.execute(t.db),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('takes a handoff time with seconds in its canonical form only, under one named check', async () => {
    const row = (handoff_time: string) => ({
      org_id: orgId,
      name: 'seconds',
      cadence: 'daily' as const,
      handoff_time,
      handoff_weekday: null,
      time_zone: 'UTC',
      starts_at: new Date(),
    });
    const stored = await t.db
      .insertInto('oncall_rotations')
      .values([row('09:00:30'), row('23:59:59'), row('09:00')])
      .returning('handoff_time')
      .execute();
    expect(stored.map((r) => r.handoff_time)).toEqual(['09:00:30', '23:59:59', '09:00']);
    for (const bad of ['09:00:00', '09:00:60', '9:00:30', '09:00:3']) {
      await expect(t.db.insertInto('oncall_rotations').values(row(bad)).execute(), bad).rejects.toMatchObject(
        {
          code: '23514',
          constraint: 'oncall_rotations_handoff_time_format',
        },
      );
    }
    const { rows } = await sql<{ conname: string }>`
      SELECT conname FROM pg_constraint
      WHERE conrelid = 'oncall_rotations'::regclass AND contype = 'c' AND conname LIKE '%handoff_time%'`.execute(
      t.db,
    );
    expect(rows.map((r) => r.conname)).toEqual(['oncall_rotations_handoff_time_format']);
  });
});
