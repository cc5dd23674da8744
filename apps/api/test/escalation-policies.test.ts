import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { AckLinks } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let other: Session;
let as: ReturnType<typeof client>;
let channelId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Escalation Org');
  other = await signupUser(api.app, 'Other Org');
  as = client(api.app, owner.token);
  const channel = await as.post('/v1/channels', {
    type: 'webhook',
    name: 'ops hook',
    config: { url: 'https://hooks.example.com/ops' },
  });
  channelId = channel.json().id;
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const twoSteps = () => ({
  name: 'Primary on call',
  steps: [
    { waitMinutes: 5, targets: [{ type: 'channel', channelId }] },
    { waitMinutes: 10, targets: [{ type: 'member', userId: owner.userId }] },
  ],
  repeat: 1,
  reminderMinutes: 15,
});

describe('escalation policies', () => {
  it('creates, reads, changes and lists a policy of channel and member targets', async () => {
    const res = await as.post('/v1/escalation-policies', twoSteps());
    expect(res.statusCode, res.body).toBe(201);
    const policy = res.json();
    expect(policy).toEqual({
      id: expect.any(String),
      ...twoSteps(),
      monitorIds: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      key: null,
      managed: false,
    });
    const patched = await as.patch(`/v1/escalation-policies/${policy.id}`, {
      repeat: 0,
      reminderMinutes: null,
    });
    expect(patched.json()).toMatchObject({ repeat: 0, reminderMinutes: null, steps: twoSteps().steps });
    const list = await as.get('/v1/escalation-policies');
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(policy.id);
    // Another organization does not see it.
    expect((await client(api.app, other.token).get(`/v1/escalation-policies/${policy.id}`)).statusCode).toBe(
      404,
    );
  });

  it('refuses targets that are not a channel or member of the organization, naming each', async () => {
    const foreign = randomUUID();
    const problem = expectProblem(
      await as.post('/v1/escalation-policies', {
        name: 'bad',
        steps: [
          {
            waitMinutes: 5,
            targets: [
              { type: 'channel', channelId: foreign },
              { type: 'member', userId: other.userId },
            ],
          },
        ],
      }),
      400,
    );
    expect(problem.errors.map((e) => e.path)).toEqual([
      'steps.0.targets.0.channelId',
      'steps.0.targets.1.userId',
    ]);
    expectProblem(
      await as.post('/v1/escalation-policies', { name: 'x', steps: [{ waitMinutes: 0, targets: [] }] }),
      400,
    );
  });

  it('a monitor names its policy; a policy in use cannot be deleted', async () => {
    const policy = (await as.post('/v1/escalation-policies', twoSteps())).json();
    const created = await as.post('/v1/monitors', {
      ...httpMonitor({ name: 'esc' }),
      escalationPolicyId: policy.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().escalationPolicyId).toBe(policy.id);
    expect((await as.get(`/v1/escalation-policies/${policy.id}`)).json().monitorIds).toEqual([
      created.json().id,
    ]);
    expectProblem(await as.delete(`/v1/escalation-policies/${policy.id}`), 409);
    const unknown = expectProblem(
      await as.patch(`/v1/monitors/${created.json().id}`, { escalationPolicyId: randomUUID() }),
      400,
    );
    expect(unknown.errors[0]?.path).toBe('escalationPolicyId');
    const cleared = await as.patch(`/v1/monitors/${created.json().id}`, { escalationPolicyId: null });
    expect(cleared.json().escalationPolicyId).toBeNull();
    expect((await as.delete(`/v1/escalation-policies/${policy.id}`)).statusCode).toBe(204);
    // A monitor created without one alerts its channels.
    expect(
      (await as.post('/v1/monitors', httpMonitor({ name: 'plain' }))).json().escalationPolicyId,
    ).toBeNull();
  });
});

describe('the escalation timeline and acknowledge links', () => {
  it('lists each notification with its step and recipient, and the acknowledgement made through a link', async () => {
    const policy = (await as.post('/v1/escalation-policies', twoSteps())).json();
    const monitor = (
      await as.post('/v1/monitors', { ...httpMonitor({ name: 'timeline' }), escalationPolicyId: policy.id })
    ).json();
    const incident = await testDb.db
      .insertInto('incidents')
      .values({
        org_id: owner.orgId,
        monitor_id: monitor.id,
        status: 'open',
        opened_at: new Date(),
        escalation_policy_id: policy.id,
        escalation_position: 2,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const alert = (
      route: unknown,
      target: { channel_id?: string; recipient_user_id?: string },
      key: string,
    ) => ({
      org_id: owner.orgId,
      incident_id: incident.id,
      monitor_id: monitor.id,
      channel_id: null,
      ...target,
      event: 'monitor.down' as const,
      status: 'sent' as const,
      payload: JSON.stringify({}),
      dedup_key: key,
      route: JSON.stringify(route),
    });
    // One statement (and transaction) each: step 1 is written after step 0.
    await testDb.db
      .insertInto('alerts')
      .values(
        alert(
          { kind: 'step', step: 0, round: 0, target: { type: 'channel', channelId } },
          { channel_id: channelId },
          `${incident.id}:step:0:0`,
        ),
      )
      .execute();
    await testDb.db
      .insertInto('alerts')
      .values(
        alert(
          { kind: 'step', step: 1, round: 0, target: { type: 'member', userId: owner.userId } },
          { recipient_user_id: owner.userId },
          `${incident.id}:step:0:1`,
        ),
      )
      .execute();

    const links = new AckLinks(api.config.SECRETS_KEY);
    const url = `/v1/ack/${links.token({
      orgId: owner.orgId,
      incidentId: incident.id,
      recipient: { type: 'member', id: owner.userId },
    })}`;
    const page = await api.app.inject({ method: 'GET', url });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<form method="post">');
    const acked = await api.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(acked.statusCode, acked.body).toBe(200);
    expect(acked.body).toContain(`acknowledged by ${owner.email}`);

    const timeline = (await as.get(`/v1/incidents/${incident.id}/escalation`)).json();
    expect(timeline).toMatchObject({
      incidentId: incident.id,
      policy: { id: policy.id, name: 'Primary on call' },
      nextStepAt: null,
      nextReminderAt: null,
      acknowledgement: { by: { kind: 'user', id: owner.userId, name: owner.email }, viaLink: true },
    });
    // The channel alerted by step 0 then hears of the acknowledgement.
    expect(
      timeline.notifications.map(
        (n: { event: string; step: number; recipient: { type: string; name: string } }) => [
          n.event,
          n.step,
          n.recipient.type,
          n.recipient.name,
        ],
      ),
    ).toEqual([
      ['monitor.down', 0, 'channel', 'ops hook'],
      ['monitor.down', 1, 'member', owner.email],
      ['incident.acknowledged', null, 'channel', 'ops hook'],
    ]);
    // The link is single-purpose: another incident's id under the same signature is refused.
    const forged = url.replace(/^\/v1\/ack\/([^.]+)/, (_, body: string) => {
      const bytes = Buffer.from(body, 'base64url');
      bytes[20] = (bytes[20] ?? 0) ^ 1;
      return `/v1/ack/${bytes.toString('base64url')}`;
    });
    expect((await api.app.inject({ method: 'POST', url: forged })).statusCode).toBe(404);
    // Once resolved, the link has nothing left to do.
    await testDb.db
      .updateTable('incidents')
      .set({ status: 'resolved', resolved_at: new Date() })
      .where('id', '=', incident.id)
      .execute();
    expect((await api.app.inject({ method: 'GET', url })).statusCode).toBe(410);
  });
});
