import { NOTIFY_QUEUE, notifyJobId } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMemberSession,
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
let as: ReturnType<typeof client>;
let redis: Redis;
let notifyQueue: Queue;
const prefix = uniqueQueuePrefix();
let monitorId: string;
let hookId: string;
let slackId: string;
let quietId: string;
const base = Date.now() - 60 * 60_000;
const at = (seconds: number) => new Date(base + seconds * 1000);

const status503 = { source: 'status', op: 'between', expected: [200, 399], actual: 503 };
const bodyOk = { source: 'body', op: 'contains', expected: 'ok', actual: 'down for maintenance' };

function result(
  seconds: number,
  region: string,
  ok: boolean,
  kind: 'scheduled' | 'confirmation' = 'scheduled',
) {
  return {
    org_id: owner.orgId,
    monitor_id: monitorId,
    scheduled_at: at(seconds),
    checked_at: new Date(at(seconds).getTime() + (kind === 'confirmation' ? 5_000 : 100)),
    region,
    kind,
    attempt: kind === 'confirmation' ? 1 : 0,
    ok,
    status_code: ok ? 200 : 503,
    latency_ms: ok ? 40 : 900,
    phases: JSON.stringify({}),
    cert_expires_at: null,
    error_kind: ok ? null : 'http_status',
    error_message: ok ? null : 'HTTP 503',
    failed_assertions: JSON.stringify(ok ? [] : region === 'local' ? [status503] : [status503, bodyOk]),
  };
}

async function seedIncident(input: {
  openedAt: Date;
  resolvedAt: Date | null;
  channels: string[];
  monitor?: string;
}) {
  const monitor = input.monitor ?? monitorId;
  const incident = await testDb.db
    .insertInto('incidents')
    .values({
      org_id: owner.orgId,
      monitor_id: monitor,
      status: input.resolvedAt ? 'resolved' : 'open',
      opened_at: input.openedAt,
      resolved_at: input.resolvedAt,
      cause: 'HTTP 503 from 2 of 2 regions',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const channelId of input.channels) {
    await testDb.db
      .insertInto('alerts')
      .values({
        org_id: owner.orgId,
        incident_id: incident.id,
        monitor_id: monitor,
        channel_id: channelId,
        event: 'monitor.down',
        status: 'pending',
        payload: JSON.stringify({}),
        created_at: input.openedAt,
        dedup_key: `${monitor}:monitor.down:${input.openedAt.getTime()}`,
      })
      .execute();
  }
  return incident.id;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { prefix });
  owner = await signupUser(api.app, 'Incident Page Org');
  as = client(api.app, owner.token);
  redis = createRedis(testRedisUrl());
  notifyQueue = new Queue(NOTIFY_QUEUE, { connection: redis, prefix });
  monitorId = (await as.post('/v1/monitors', httpMonitor({ name: 'Shop' }))).json().id;
  const channel = async (type: string, name: string, config: Record<string, unknown>) =>
    (await as.post('/v1/channels', { type, name, config })).json().id as string;
  hookId = await channel('webhook', 'Ops hook', { url: 'https://hooks.example.com/a' });
  slackId = await channel('slack', 'Ops Slack', { webhookUrl: 'https://hooks.slack.com/services/T/B/x' });
  quietId = await channel('webhook', 'Not alerted', { url: 'https://hooks.example.com/b' });
  // A good slot, a failed slot, its failed confirmation, then the incident opens; two more failed
  // slots and a good one that resolves it.
  const rows = [];
  for (const region of ['eu-west', 'local']) {
    rows.push(result(0, region, true), result(60, region, false), result(60, region, false, 'confirmation'));
    rows.push(result(120, region, false), result(180, region, region === 'local'), result(240, region, true));
  }
  await testDb.db.insertInto('check_results').values(rows).execute();
});

afterAll(async () => {
  await notifyQueue?.close();
  redis?.disconnect();
  await api?.app.close();
  await testDb?.drop();
});

describe('the incident page API', () => {
  let incidentId: string;

  beforeAll(async () => {
    incidentId = await seedIncident({
      openedAt: at(65.5),
      resolvedAt: at(240.1),
      channels: [hookId, slackId],
    });
    const [hookAlert, slackAlert] = await testDb.db
      .selectFrom('alerts')
      .select(['id', 'channel_id'])
      .where('incident_id', '=', incidentId)
      .orderBy('channel_id')
      .execute()
      .then((rows) => [hookId, slackId].map((id) => rows.find((r) => r.channel_id === id)));
    await testDb.db
      .updateTable('alerts')
      .set({ status: 'sent', attempts: 1, sent_at: at(66) })
      .where('id', '=', hookAlert?.id ?? '')
      .execute();
    await testDb.db
      .updateTable('alerts')
      .set({ status: 'failed', attempts: 2, last_error: 'HTTP 404: channel_not_found' })
      .where('id', '=', slackAlert?.id ?? '')
      .execute();
    await testDb.db
      .insertInto('alert_attempts')
      .values([
        {
          org_id: owner.orgId,
          alert_id: hookAlert?.id ?? '',
          attempted_at: at(66),
          ok: true,
          status_code: 200,
          error: null,
          duration_ms: 12,
        },
        {
          org_id: owner.orgId,
          alert_id: slackAlert?.id ?? '',
          attempted_at: at(66),
          ok: false,
          status_code: 500,
          error: 'HTTP 500',
          duration_ms: 9,
        },
        {
          org_id: owner.orgId,
          alert_id: slackAlert?.id ?? '',
          attempted_at: at(67),
          ok: false,
          status_code: 404,
          error: 'HTTP 404: channel_not_found',
          duration_ms: 8,
        },
      ])
      .execute();
  });

  it('tells the story from the first failing check to the resolution', async () => {
    const res = await as.get(`/v1/incidents/${incidentId}`);
    expect(res.statusCode).toBe(200);
    const incident = res.json();
    expect(incident.monitor).toEqual({ id: monitorId, name: 'Shop' });
    expect(incident.durationSeconds).toBe(175);
    const events = incident.timeline.events;
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'first_failure',
      'confirmation',
      'opened',
      'alert',
      'alert',
      'resolved',
    ]);
    expect(events[0]).toEqual({
      type: 'first_failure',
      at: at(60).toISOString(),
      scheduledAt: at(60).toISOString(),
      kind: 'scheduled',
      failedRegions: 2,
      totalRegions: 2,
      regions: [
        { region: 'eu-west', ok: false, statusCode: 503, latencyMs: 900, cause: 'HTTP 503' },
        { region: 'local', ok: false, statusCode: 503, latencyMs: 900, cause: 'HTTP 503' },
      ],
    });
    expect(events[1]).toMatchObject({
      type: 'confirmation',
      kind: 'confirmation',
      failedRegions: 2,
      totalRegions: 2,
    });
    expect(events[2]).toEqual({
      type: 'opened',
      at: at(65.5).toISOString(),
      cause: 'HTTP 503 from 2 of 2 regions',
    });
    const alerts = events.filter((e: { type: string }) => e.type === 'alert');
    expect(alerts).toContainEqual({
      type: 'alert',
      at: at(65.5).toISOString(),
      alertId: expect.any(String),
      event: 'monitor.down',
      channel: { id: hookId, name: 'Ops hook', type: 'webhook' },
      recipient: { type: 'channel', id: hookId, name: 'Ops hook' },
      status: 'sent',
      attempts: 1,
      sentAt: at(66).toISOString(),
      lastError: null,
      lastStatusCode: 200,
    });
    expect(alerts).toContainEqual(
      expect.objectContaining({
        channel: { id: slackId, name: 'Ops Slack', type: 'slack' },
        status: 'failed',
        attempts: 2,
        lastError: 'HTTP 404: channel_not_found',
        lastStatusCode: 404,
      }),
    );
    expect(events[5]).toEqual({ type: 'resolved', at: at(240.1).toISOString(), durationSeconds: 175 });
  });

  it('explains the cause in plain words, naming every failed rule and region', async () => {
    const incident = (await as.get(`/v1/incidents/${incidentId}`)).json();
    expect(incident.explanation).toEqual({
      text: 'Failed in eu-west and local: the status code should be between 200 and 399, but was 503; the body should contain "ok", but was "down for maintenance".',
      failedRules: ['The status code should be between 200 and 399', 'The body should contain "ok"'],
      errors: [],
      regions: ['eu-west', 'local'],
    });
  });

  it('keeps a post-mortem note, clears it with null, and records who wrote it', async () => {
    const res = await as.patch(`/v1/incidents/${incidentId}`, {
      note: 'Deploy 4711 broke the health check.',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      note: 'Deploy 4711 broke the health check.',
      noteUpdatedBy: owner.email,
    });
    expect((await as.get(`/v1/incidents/${incidentId}`)).json().noteUpdatedAt).toEqual(expect.any(String));
    expect((await as.get('/v1/incidents')).json().items[0].note).toBe('Deploy 4711 broke the health check.');
    expect((await as.patch(`/v1/incidents/${incidentId}`, { note: '   ' })).json().note).toBeNull();
  });

  it('refuses a note that is too long, not text, or with unknown fields, as problems', async () => {
    const tooLong = expectProblem(
      await as.patch(`/v1/incidents/${incidentId}`, { note: 'x'.repeat(10_001) }),
      400,
    );
    expect(tooLong.errors).toEqual([{ path: 'note', message: expect.stringContaining('10000') }]);
    expectProblem(await as.patch(`/v1/incidents/${incidentId}`, { note: 42 }), 400);
    expectProblem(await as.patch(`/v1/incidents/${incidentId}`, { note: 'a', status: 'resolved' }), 400);
    expectProblem(await as.patch(`/v1/incidents/${incidentId}`, {}), 400);
    expectProblem(await as.patch('/v1/incidents/not-an-id', { note: 'a' }), 404);
  });

  it('lets a viewer read but not write the note', async () => {
    const viewer = client(api.app, (await addMemberSession(api, owner, 'viewer')).token);
    expect((await viewer.get(`/v1/incidents/${incidentId}`)).statusCode).toBe(200);
    expectProblem(await viewer.patch(`/v1/incidents/${incidentId}`, { note: 'mine' }), 403);
  });

  it("answers 404 for another organization's incident, on every incident route", async () => {
    const them = client(api.app, (await signupUser(api.app, 'Elsewhere')).token);
    expectProblem(await them.get(`/v1/incidents/${incidentId}`), 404);
    expectProblem(await them.patch(`/v1/incidents/${incidentId}`, { note: 'mine now' }), 404);
    expectProblem(await them.post(`/v1/incidents/${incidentId}/acknowledge`), 404);
    expect((await as.get(`/v1/incidents/${incidentId}`)).json().note).toBeNull();
  });
});

describe('acknowledging', () => {
  it('notifies exactly the channels that were alerted, once each, and records who', async () => {
    const incidentId = await seedIncident({
      openedAt: at(1000),
      resolvedAt: null,
      channels: [hookId, slackId],
    });
    const res = await as.post(`/v1/incidents/${incidentId}/acknowledge`);
    expect(res.statusCode).toBe(200);
    expect(res.json().acknowledger).toEqual({ kind: 'user', id: owner.userId, name: owner.email });
    // A second acknowledgement changes nothing and notifies nobody again.
    await as.post(`/v1/incidents/${incidentId}/acknowledge`);
    const acks = await testDb.db
      .selectFrom('alerts')
      .select(['id', 'channel_id', 'status', 'payload'])
      .where('incident_id', '=', incidentId)
      .where('event', '=', 'incident.acknowledged')
      .execute();
    expect(acks.map((a) => a.channel_id).sort()).toEqual([hookId, slackId].sort());
    expect(acks.map((a) => a.channel_id)).not.toContain(quietId);
    for (const ack of acks) {
      expect(ack.status).toBe('pending');
      expect(ack.payload).toMatchObject({
        id: ack.id,
        event: 'incident.acknowledged',
        monitor: { id: monitorId, name: 'Shop' },
        incident: { id: incidentId, openedAt: at(1000).toISOString(), resolvedAt: null },
        acknowledgement: { at: res.json().acknowledgedAt, by: owner.email },
      });
      const job = await notifyQueue.getJob(notifyJobId(ack.id));
      expect(job?.data).toEqual({ orgId: owner.orgId, alertId: ack.id, requestId: expect.any(String) });
    }
    const page = (await as.get(`/v1/incidents/${incidentId}`)).json();
    const ackEvent = page.timeline.events.find((e: { type: string }) => e.type === 'acknowledged');
    expect(ackEvent).toEqual({
      type: 'acknowledged',
      at: res.json().acknowledgedAt,
      by: { kind: 'user', id: owner.userId, name: owner.email },
    });
    expect(
      page.timeline.events.filter((e: { event?: string }) => e.event === 'incident.acknowledged'),
    ).toHaveLength(2);
  });

  it('names the API key that acknowledged', async () => {
    const other = (await as.post('/v1/monitors', httpMonitor({ name: 'Other' }))).json().id;
    const incidentId = await seedIncident({
      openedAt: at(2000),
      resolvedAt: null,
      channels: [hookId],
      monitor: other,
    });
    const key = (await as.post('/v1/api-keys', { name: 'pager-bot', role: 'member' })).json();
    const res = await client(api.app, key.key).post(`/v1/incidents/${incidentId}/acknowledge`);
    expect(res.json().acknowledger).toEqual({ kind: 'apiKey', id: key.id, name: 'pager-bot' });
    const ack = await testDb.db
      .selectFrom('alerts')
      .select('payload')
      .where('incident_id', '=', incidentId)
      .where('event', '=', 'incident.acknowledged')
      .executeTakeFirstOrThrow();
    expect(ack.payload.acknowledgement?.by).toBe('API key "pager-bot"');
  });

  it('notifies nobody when the incident is already resolved', async () => {
    const incidentId = await seedIncident({ openedAt: at(3000), resolvedAt: at(3100), channels: [hookId] });
    expect((await as.post(`/v1/incidents/${incidentId}/acknowledge`)).statusCode).toBe(200);
    const acks = await testDb.db
      .selectFrom('alerts')
      .select('id')
      .where('incident_id', '=', incidentId)
      .where('event', '=', 'incident.acknowledged')
      .execute();
    expect(acks).toEqual([]);
  });
});
