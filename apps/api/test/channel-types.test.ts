import { NOTIFY_QUEUE, notifyJobId } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis, SecretBox } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectProblem, type Session, signupUser, startApi, type TestApi } from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let as: ReturnType<typeof client>;
let redis: Redis;
let notifyQueue: Queue;
const prefix = uniqueQueuePrefix();

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { prefix });
  owner = await signupUser(api.app, 'Alerting Org');
  as = client(api.app, owner.token);
  redis = createRedis(testRedisUrl());
  notifyQueue = new Queue(NOTIFY_QUEUE, { connection: redis, prefix });
});

afterAll(async () => {
  await notifyQueue?.close();
  await redis?.quit();
  await api?.app.close();
  await testDb?.drop();
});

async function storedChannel(id: string) {
  const row = await testDb.db
    .selectFrom('channels')
    .select(['config', 'secrets'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const box = new SecretBox(api.config.SECRETS_KEY);
  return { config: row.config, secrets: row.secrets ? box.open<Record<string, unknown>>(row.secrets) : null };
}

describe('slack, email, pagerduty and discord channels', () => {
  it('creates a Slack channel keeping the webhook URL sealed and masked in responses', async () => {
    const webhookUrl = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXXabcd';
    const res = await as.post('/v1/channels', { type: 'slack', name: 'ops', config: { webhookUrl } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      type: 'slack',
      config: { webhookUrl: 'https://hooks.slack.com/…abcd' },
    });
    expect(res.body).not.toContain('XXXXsecret');
    expect(await storedChannel(res.json().id)).toEqual({ config: {}, secrets: { webhookUrl } });
  });

  it('creates an email channel with its recipients in the clear', async () => {
    const res = await as.post('/v1/channels', {
      type: 'email',
      name: 'mail',
      config: { to: ['oncall@example.com'] },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().config).toEqual({ to: ['oncall@example.com'] });
    expect(await storedChannel(res.json().id)).toEqual({
      config: { to: ['oncall@example.com'] },
      secrets: null,
    });
  });

  it('creates a PagerDuty channel with the routing key sealed and masked', async () => {
    const res = await as.post('/v1/channels', {
      type: 'pagerduty',
      name: 'pd',
      config: { routingKey: 'R0UTINGKEY1234' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().config).toEqual({ routingKey: '…1234' });
    expect((await storedChannel(res.json().id)).secrets).toEqual({ routingKey: 'R0UTINGKEY1234' });
  });

  it('creates a Discord channel keeping the webhook URL sealed and masked, and changes it with PATCH', async () => {
    const webhookUrl = 'https://discord.com/api/webhooks/1234567890/SECRET-token-wxyz';
    const res = await as.post('/v1/channels', { type: 'discord', name: 'dev', config: { webhookUrl } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      type: 'discord',
      config: { webhookUrl: 'https://discord.com/…wxyz' },
    });
    expect(res.body).not.toContain('SECRET-token');
    expect(await storedChannel(res.json().id)).toEqual({ config: {}, secrets: { webhookUrl } });
    const listed = (await as.get('/v1/channels')).json();
    expect(JSON.stringify(listed)).not.toContain('SECRET-token');

    const next = 'https://discord.com/api/webhooks/1234567890/SECRET-other-0042';
    const patched = await as.patch(`/v1/channels/${res.json().id}`, { config: { webhookUrl: next } });
    expect(patched.json().config).toEqual({ webhookUrl: 'https://discord.com/…0042' });
    expect((await storedChannel(res.json().id)).secrets).toEqual({ webhookUrl: next });
    const bad = expectProblem(
      await as.patch(`/v1/channels/${res.json().id}`, { config: { webhookUrl: 'discord' } }),
      400,
    );
    expect(bad.errors.map((e) => e.path)).toEqual(['config.webhookUrl']);
  });

  it('refuses settings of another type and bad recipients, naming the field', async () => {
    const wrong = expectProblem(
      await as.post('/v1/channels', { type: 'slack', name: 'x', config: { url: 'https://example.com' } }),
      400,
    );
    expect(wrong.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['config.webhookUrl']));
    const bad = expectProblem(
      await as.post('/v1/channels', { type: 'email', name: 'x', config: { to: ['nope'] } }),
      400,
    );
    expect(bad.errors.map((e) => e.path)).toContain('config.to.0');
    const unknown = expectProblem(
      await as.post('/v1/channels', { type: 'carrier-pigeon', name: 'x', config: {} }),
      400,
    );
    expect(unknown.errors).toEqual([
      {
        path: 'type',
        message:
          'supported channel types: webhook, slack, email, pagerduty, discord, teams, telegram, opsgenie, ntfy, pushover, gotify, matrix, mattermost, rocketchat, google-chat, twilio-sms, custom-webhook',
      },
    ]);
  });

  it("updates a type's settings with PATCH and refuses another type's", async () => {
    const created = (
      await as.post('/v1/channels', { type: 'email', name: 'mail', config: { to: ['a@example.com'] } })
    ).json();
    const res = await as.patch(`/v1/channels/${created.id}`, {
      config: { to: ['b@example.com', 'c@example.com'] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().config).toEqual({ to: ['b@example.com', 'c@example.com'] });
    const problem = expectProblem(
      await as.patch(`/v1/channels/${created.id}`, { config: { routingKey: 'x' } }),
      400,
    );
    expect(problem.errors).toEqual([{ path: 'config.routingKey', message: 'unknown field' }]);
  });
});

describe('webhook secret rotation', () => {
  it('keeps a previous secret next to the current one, masks both, and drops it on request', async () => {
    const created = (
      await as.post('/v1/channels', {
        type: 'webhook',
        name: 'hook',
        config: { url: 'https://hooks.example.com/x', secret: 'first-secret-value-1111' },
      })
    ).json();
    const rotated = await as.patch(`/v1/channels/${created.id}`, {
      config: { secret: 'second-secret-value-2222', previousSecret: 'first-secret-value-1111' },
    });
    expect(rotated.json().config).toEqual({
      url: 'https://hooks.example.com/x',
      secret: 'whsec_…2222',
      previousSecret: 'whsec_…1111',
    });
    expect((await storedChannel(created.id)).secrets).toEqual({
      secret: 'second-secret-value-2222',
      previousSecret: 'first-secret-value-1111',
    });
    const done = await as.patch(`/v1/channels/${created.id}`, { config: { previousSecret: null } });
    expect(done.json().config).toEqual({ url: 'https://hooks.example.com/x', secret: 'whsec_…2222' });
    expect((await storedChannel(created.id)).secrets).toEqual({ secret: 'second-secret-value-2222' });
  });
});

describe('POST /v1/channels/:id/test', () => {
  it("carries the request's x-request-id into the notification job", async () => {
    const channel = (
      await as.post('/v1/channels', { type: 'pagerduty', name: 'pd-trace', config: { routingKey: 'KEY-7' } })
    ).json();
    const res = await api.app.inject({
      method: 'POST',
      url: `/v1/channels/${channel.id}/test`,
      headers: { authorization: `Bearer ${owner.token}`, 'x-request-id': 'trace-0123456789' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers['x-request-id']).toBe('trace-0123456789');
    const job = await notifyQueue.getJob(notifyJobId(res.json().id));
    expect(job?.data.requestId).toBe('trace-0123456789');
  });

  it('writes a pending test alert and queues it for the notifier under its alert id', async () => {
    const channel = (
      await as.post('/v1/channels', { type: 'pagerduty', name: 'pd', config: { routingKey: 'KEY-9' } })
    ).json();
    const res = await as.post(`/v1/channels/${channel.id}/test`);
    expect(res.statusCode).toBe(202);
    const alert = res.json();
    expect(alert).toEqual({
      id: expect.any(String),
      incidentId: null,
      channelId: channel.id,
      event: 'test',
      status: 'pending',
      attempts: 0,
      sentAt: null,
      lastError: null,
      // This API waits for no notifier (TEST_ALERT_WAIT_MS=0): the outcome is not known yet.
      outcome: null,
    });
    const job = await notifyQueue.getJob(notifyJobId(alert.id));
    expect(job?.data).toEqual({ orgId: owner.orgId, alertId: alert.id, requestId: expect.any(String) });
    const row = await testDb.db
      .selectFrom('alerts')
      .select(['event', 'payload', 'org_id'])
      .where('id', '=', alert.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      event: 'test',
      org_id: owner.orgId,
      payload: { id: alert.id, event: 'test' },
    });
    const log = (await as.get(`/v1/alerts`)).json();
    expect(log.items.map((a: { id: string }) => a.id)).toContain(alert.id);
  });

  it("answers 404 for another organization's channel", async () => {
    const channel = (
      await as.post('/v1/channels', { type: 'email', name: 'm', config: { to: ['x@example.com'] } })
    ).json();
    const them = client(api.app, (await signupUser(api.app, 'Them')).token);
    expectProblem(await them.post(`/v1/channels/${channel.id}/test`), 404);
  });
});
