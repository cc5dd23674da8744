import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepEscalations } from '../src/oncall/escalation-sweeper';
import { defaultOncallSettings } from '../src/oncall/settings';
import { resolveTargets } from '../src/oncall/targets';
import { createMonitor, createOrg } from './fixtures';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});

afterAll(async () => {
  await tdb?.drop();
});

async function member(orgId: string, email: string): Promise<string> {
  const user = await tdb.db
    .insertInto('users')
    .values({ email, password_hash: 'x', email_verified_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tdb.db
    .insertInto('memberships')
    .values({ org_id: orgId, user_id: user.id, role: 'member' })
    .execute();
  return user.id;
}

async function personalChannel(orgId: string, userId: string, name: string): Promise<string> {
  const row = await tdb.db
    .insertInto('channels')
    .values({
      org_id: orgId,
      user_id: userId,
      type: 'webhook',
      name,
      config: JSON.stringify({ url: 'https://hooks.example.com/me' }),
      secrets: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('escalation targets resolved when a step fires', () => {
  it('a rotation reaches whoever is on call now, by email and through their personal channels', async () => {
    const orgId = await createOrg(tdb.db);
    const alice = await member(orgId, `alice-${orgId}@example.com`);
    const bob = await member(orgId, `bob-${orgId}@example.com`);
    const bobsHook = await personalChannel(orgId, bob, 'bob phone');
    await personalChannel(orgId, alice, 'alice phone');
    // A daily rotation of one person (Bob), started a week ago: Bob is on call whatever the hour.
    const rotation = await tdb.db
      .insertInto('oncall_rotations')
      .values({
        org_id: orgId,
        name: 'primary',
        cadence: 'daily',
        handoff_time: '09:00',
        handoff_weekday: null,
        time_zone: 'Europe/Berlin',
        starts_at: new Date(Date.now() - 7 * 86_400_000),
        member_ids: [bob],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const target = { type: 'rotation' as const, rotationId: rotation.id };
    const recipients = await tdb.db
      .transaction()
      .execute((trx) =>
        resolveTargets(trx, orgId, [target], (t) => ({ kind: 'step', step: 0, round: 0, target: t })),
      );
    expect(recipients.map((r) => r.recipient)).toEqual([
      { type: 'member', id: bob },
      { type: 'channel', id: bobsHook },
    ]);
    expect(recipients.every((r) => r.route?.kind === 'step' && r.route.target === target)).toBe(true);
  });

  it('a member target adds their personal channels; a rotation with nobody on call reaches nobody', async () => {
    const orgId = await createOrg(tdb.db);
    const carol = await member(orgId, `carol-${orgId}@example.com`);
    const carolsHook = await personalChannel(orgId, carol, 'carol phone');
    const empty = await tdb.db
      .insertInto('oncall_rotations')
      .values({
        org_id: orgId,
        name: 'empty',
        cadence: 'weekly',
        handoff_time: '09:00',
        handoff_weekday: 1,
        time_zone: 'UTC',
        starts_at: new Date(Date.now() - 86_400_000),
        member_ids: [],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const recipients = await tdb.db.transaction().execute((trx) =>
      resolveTargets(
        trx,
        orgId,
        [
          { type: 'member', userId: carol },
          { type: 'rotation', rotationId: empty.id },
        ],
        () => ({ kind: 'notice' }),
      ),
    );
    expect(recipients.map((r) => r.recipient)).toEqual([
      { type: 'member', id: carol },
      { type: 'channel', id: carolsHook },
    ]);
  });
});

describe('the escalation sweep and held incidents', () => {
  it('does not climb an incident a parent holds, and climbs it once it is released', async () => {
    const orgId = await createOrg(tdb.db);
    const dave = await member(orgId, `dave-${orgId}@example.com`);
    const monitorId = await createMonitor(tdb.db, orgId);
    const policy = await tdb.db
      .insertInto('escalation_policies')
      .values({
        org_id: orgId,
        name: 'two steps',
        repeat: 0,
        reminder_minutes: null,
        steps: JSON.stringify([
          { waitMinutes: 1, targets: [{ type: 'member', userId: dave }] },
          { waitMinutes: 1, targets: [{ type: 'member', userId: dave }] },
        ]),
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const incident = await tdb.db
      .insertInto('incidents')
      .values({
        org_id: orgId,
        monitor_id: monitorId,
        status: 'open',
        opened_at: new Date(Date.now() - 120_000),
        cause: 'parent "Core network" is down; HTTP 503',
        suppressed_by: 'parent "Core network" is down',
        escalation_policy_id: policy.id,
        escalation_position: 1,
        escalation_next_at: new Date(Date.now() - 1_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const stepAlerts = () =>
      tdb.db
        .selectFrom('alerts')
        .select('id')
        .where('incident_id', '=', incident.id)
        .execute()
        .then((rows) => rows.length);

    const held = await sweepEscalations(tdb.db, defaultOncallSettings);
    expect(held.steps).toBe(0);
    expect(await stepAlerts()).toBe(0);

    await tdb.db
      .updateTable('incidents')
      .set({ released_at: new Date() })
      .where('id', '=', incident.id)
      .execute();
    const released = await sweepEscalations(tdb.db, defaultOncallSettings);
    expect(released.steps).toBe(1);
    expect(await stepAlerts()).toBe(1);
  });
});
