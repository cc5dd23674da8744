import { randomUUID } from 'node:crypto';
import { canonicalHandoffTime } from '@sentinelmesh/core';
import { SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRETS_KEY } from './fixtures';
import { type ProcessStack, startProcessStack } from './process-stack';
import { type Receiver, startReceiver } from './receiver';
import { type ReceivedMail, startSmtpReceiver } from './receivers';
import { waitFor } from './scenario';

/**
 * A policy step that targets a rotation, with a real API and verifier: the member on call when an
 * incident opens gets it (their email and their personal channel), the next one after the handoff,
 * and an override wins over the rotation. Rotations are read on the database's clock, so the
 * handoff is a real one: a handoff time with seconds (HH:MM:SS, UTC) about 15 s ahead of that clock,
 * room for the first alert on a loaded machine (it is written well under a second after the outage).
 */

/** How far ahead of the database clock the handoff is: time enough to alert the first member. */
const HANDOFF_AHEAD_MS = 15_000;
const hookSecret = `whsec_${randomUUID()}`;
const people = ['alice', 'bob', 'carol'] as const;
type Person = (typeof people)[number];

let stack: ProcessStack;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let hooks: Receiver;
let token: string;
let orgId: string;
const box = new SecretBox(TEST_SECRETS_KEY);
const ids = {} as Record<Person, string>;
const emails = {} as Record<Person, string>;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  hooks = await startReceiver(Object.fromEntries(people.map((p) => [`/${p}`, hookSecret])));
  stack = await startProcessStack();
  const verifier = stack.startVerifier({ SMTP_URL: smtp.url });
  await verifier.listeningPort(60_000);
  const signup = await fetch(`${stack.apiUrl}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `owner-${randomUUID()}@example.com`,
      password: 'correct horse battery',
      organizationName: 'Rotation E2E',
    }),
  });
  expect(signup.status).toBe(201);
  const session = (await signup.json()) as { accessToken: string; organization: { id: string } };
  token = session.accessToken;
  orgId = session.organization.id;
  for (const person of people) {
    emails[person] = `${person}-${randomUUID()}@example.com`;
    ids[person] = await member(emails[person]);
    await personalChannel(ids[person], `/${person}`);
  }
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await hooks?.close();
  await smtp?.close();
});

async function member(email: string): Promise<string> {
  const { db } = stack.tdb;
  const user = await db
    .insertInto('users')
    .values({ email, password_hash: 'x', email_verified_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('memberships').values({ org_id: orgId, user_id: user.id, role: 'member' }).execute();
  return user.id;
}

/** A member's own webhook channel (`channels.user_id`), reached whenever they are. */
async function personalChannel(userId: string, path: string): Promise<void> {
  await stack.tdb.db
    .insertInto('channels')
    .values({
      org_id: orgId,
      user_id: userId,
      type: 'webhook',
      name: `${path.slice(1)}'s phone`,
      config: JSON.stringify({ url: hooks.url(path) }),
      secrets: box.seal({ secret: hookSecret }),
      updated_at: new Date(),
    })
    .execute();
}

async function monitorOnPolicy(policyId: string, name: string): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/v1/monitors`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      type: 'http',
      url: 'https://shop.example.com/health',
      intervalSeconds: 10,
      timeoutMs: 2_000,
      channelIds: [],
      escalationPolicyId: policyId,
    }),
  });
  const body = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

/** The monitor's delivery log, as `GET /v1/alerts` lists it. */
async function alertLog(monitorId: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${stack.apiUrl}/v1/alerts?monitorId=${monitorId}&recipients=all`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
}

const mailsTo = (person: Person, event: string, monitorName: string) =>
  smtp.mails.filter(
    (mail) => mail.to.includes(emails[person]) && mail.event === event && mail.subject.includes(monitorName),
  );
const hooksOf = (person: Person, event: string, monitorId: string) =>
  hooks
    .at(`/${person}`)
    .filter((hit) => hit.body.event === event && (hit.body.monitor as { id: string }).id === monitorId);

/** Who a monitor's down alert reached: each person, with their email and their channel's hit. */
async function reachedBy(monitorId: string, monitorName: string, person: Person): Promise<ReceivedMail> {
  await waitFor(
    () =>
      mailsTo(person, 'monitor.down', monitorName).length === 1 &&
      hooksOf(person, 'monitor.down', monitorId).length === 1,
    30_000,
    `${person}'s email and channel about ${monitorName}`,
  );
  return mailsTo(person, 'monitor.down', monitorName)[0] as ReceivedMail;
}

/** Nobody but `person` heard of the monitor (once its alerts are all settled). */
async function onlyReached(monitorId: string, monitorName: string, person: Person) {
  await waitFor(
    async () =>
      (
        await stack.tdb.db.selectFrom('alerts').select('status').where('monitor_id', '=', monitorId).execute()
      ).every((a) => a.status === 'sent'),
    30_000,
    `${monitorName}'s alerts to be settled`,
  );
  for (const other of people.filter((p) => p !== person)) {
    expect(mailsTo(other, 'monitor.down', monitorName), other).toEqual([]);
    expect(hooksOf(other, 'monitor.down', monitorId), other).toEqual([]);
  }
}

describe('a policy step targeting a rotation, with a real verifier and API', () => {
  it('notifies the member on call before the handoff, the next one after it, and an override over both', async () => {
    const { db } = stack.tdb;
    // The handoff: the next whole second of the database's clock at least 15 s ahead (UTC).
    const now = await stack.databaseNow();
    const handoff = new Date(Math.ceil((now.getTime() + HANDOFF_AHEAD_MS) / 1000) * 1000);
    const rotation = await db
      .insertInto('oncall_rotations')
      .values({
        org_id: orgId,
        name: 'primary',
        cadence: 'daily',
        handoff_time: canonicalHandoffTime(handoff.toISOString().slice(11, 19)),
        handoff_weekday: null,
        time_zone: 'UTC',
        starts_at: new Date(now.getTime() - 1_000),
        member_ids: [ids.alice, ids.bob],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const policy = await db
      .insertInto('escalation_policies')
      .values({
        org_id: orgId,
        name: 'primary on call',
        repeat: 0,
        reminder_minutes: null,
        steps: JSON.stringify([
          { waitMinutes: 60, targets: [{ type: 'rotation', rotationId: rotation.id }] },
        ]),
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    // Before the handoff: Alice's turn.
    const first = await monitorOnPolicy(policy.id, 'Before handoff');
    await stack.goDown(orgId, first);
    const alicesMail = await reachedBy(first, 'Before handoff', 'alice');
    await onlyReached(first, 'Before handoff', 'alice');
    const [written] = await db
      .selectFrom('alerts')
      .select('created_at')
      .where('monitor_id', '=', first)
      .execute();
    expect(written?.created_at.getTime()).toBeLessThan(handoff.getTime());

    // Alice acknowledges from her email; she hears of it by email and on her channel, once each.
    const ackUrl = /href="([^"]+\/v1\/ack\/[^"]+)"/.exec(alicesMail.html)?.[1];
    expect(ackUrl).toMatch(new RegExp(`^${stack.apiUrl}/v1/ack/`));
    const acked = await fetch(ackUrl as string, { method: 'POST' });
    expect(acked.status).toBe(200);
    expect(await acked.text()).toContain(`acknowledged by ${emails.alice}`);
    await waitFor(
      () =>
        mailsTo('alice', 'incident.acknowledged', 'Before handoff').length === 1 &&
        hooksOf('alice', 'incident.acknowledged', first).length === 1,
      30_000,
      "Alice's acknowledgement email and channel alert",
    );
    expect(mailsTo('alice', 'incident.acknowledged', 'Before handoff')[0]?.text).toContain(emails.alice);
    // The resolution reaches her the same two ways.
    await stack.goUp(orgId, first);
    await waitFor(
      () =>
        mailsTo('alice', 'monitor.up', 'Before handoff').length === 1 &&
        hooksOf('alice', 'monitor.up', first).length === 1,
      30_000,
      "Alice's resolution email and channel alert",
    );
    // The delivery log lists her emails beside her channel's alerts.
    const items = await alertLog(first);
    const emailed = items.filter((a) => a.channelId === null);
    expect(emailed.map((a) => a.event).sort()).toEqual([
      'incident.acknowledged',
      'monitor.down',
      'monitor.up',
    ]);
    for (const alert of emailed) {
      expect(alert.recipient).toEqual({ type: 'member', id: ids.alice, name: emails.alice });
    }
    await waitFor(
      async () => {
        const all = await alertLog(first);
        return all.length === 6 && all.every((a) => a.status === 'sent');
      },
      30_000,
      'every alert of the first incident to be sent',
    );

    // After the handoff: Bob's turn.
    await stack.databasePassed(handoff, 'the handoff', HANDOFF_AHEAD_MS + 10_000);
    const second = await monitorOnPolicy(policy.id, 'After handoff');
    await stack.goDown(orgId, second);
    await reachedBy(second, 'After handoff', 'bob');
    await onlyReached(second, 'After handoff', 'bob');

    // An override (Carol covers from now on) wins over the rotation.
    const overrideStart = await stack.databaseNow();
    await db
      .insertInto('oncall_overrides')
      .values({
        org_id: orgId,
        rotation_id: rotation.id,
        user_id: ids.carol,
        starts_at: new Date(overrideStart.getTime() - 1_000),
        ends_at: new Date(overrideStart.getTime() + 3_600_000),
      })
      .execute();
    const third = await monitorOnPolicy(policy.id, 'Override');
    await stack.goDown(orgId, third);
    await reachedBy(third, 'Override', 'carol');
    await onlyReached(third, 'Override', 'carol');
  }, 180_000);
});
