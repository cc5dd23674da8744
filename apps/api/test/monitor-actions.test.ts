import {
  type CheckJob,
  checkJobId,
  checkQueueName,
  jobPolicies,
  type MonitorSecrets,
  SECRET_MASK,
  slotAtOrBefore,
} from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis, SecretBox } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
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
let other: Session;
let as: ReturnType<typeof client>;
let asOther: ReturnType<typeof client>;
let redis: Redis;
const prefix = uniqueQueuePrefix();
const queues = new Map<string, Queue<CheckJob>>();

const queueOf = (region: string) => {
  let queue = queues.get(region);
  if (!queue) {
    queue = new Queue<CheckJob>(checkQueueName(region), { connection: redis, prefix });
    queues.set(region, queue);
  }
  return queue;
};

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { prefix });
  redis = createRedis(testRedisUrl());
  owner = await signupUser(api.app, 'Bulk Org');
  other = await signupUser(api.app, 'Other Org');
  as = client(api.app, owner.token);
  asOther = client(api.app, other.token);
});

afterAll(async () => {
  for (const queue of queues.values()) await queue.close();
  redis?.disconnect();
  await api?.app.close();
  await testDb?.drop();
});

async function create(
  body: Record<string, unknown>,
  session = as,
): Promise<{ id: string } & Record<string, unknown>> {
  const res = await session.post('/v1/monitors', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

const statusOf = async (id: string) => (await as.get(`/v1/monitors/${id}`)).json().state.status;

describe('POST /v1/monitors/bulk', () => {
  it('pauses and resumes many monitors and reports each id, foreign and unknown ids as not_found', async () => {
    const a = await create(httpMonitor({ name: 'a' }));
    const b = await create(httpMonitor({ name: 'b' }));
    const foreign = await create(httpMonitor({ name: 'theirs' }), asOther);
    const pause = await as.post('/v1/monitors/bulk', {
      action: 'pause',
      ids: [a.id, b.id.toUpperCase(), foreign.id, 'not-an-id'],
    });
    expect(pause.statusCode).toBe(200);
    expect(pause.json()).toEqual({
      action: 'pause',
      results: [
        { id: a.id, outcome: 'paused', error: null },
        { id: b.id, outcome: 'paused', error: null },
        { id: foreign.id, outcome: 'not_found', error: null },
        { id: 'not-an-id', outcome: 'not_found', error: null },
      ],
    });
    expect([await statusOf(a.id), await statusOf(b.id)]).toEqual(['paused', 'paused']);
    expect((await asOther.get(`/v1/monitors/${foreign.id}`)).json().paused).toBe(false);

    await as.patch(`/v1/monitors/${b.id}`, { paused: false });
    const resume = (await as.post('/v1/monitors/bulk', { action: 'resume', ids: [a.id, b.id] })).json();
    expect(resume.results.map((r: { outcome: string }) => r.outcome)).toEqual(['resumed', 'unchanged']);
    expect(await statusOf(a.id)).toBe('pending');
  });

  it('deletes many monitors in one request and leaves another organization’s alone', async () => {
    const a = await create(httpMonitor({ name: 'gone-a' }));
    const b = await create(httpMonitor({ name: 'gone-b' }));
    const foreign = await create(httpMonitor({ name: 'kept' }), asOther);
    const res = await as.post('/v1/monitors/bulk', { action: 'delete', ids: [a.id, b.id, foreign.id] });
    expect(res.json().results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'deleted',
      'deleted',
      'not_found',
    ]);
    expect((await as.get(`/v1/monitors/${a.id}`)).statusCode).toBe(404);
    expect((await as.get(`/v1/monitors/${b.id}`)).statusCode).toBe(404);
    expect((await asOther.get(`/v1/monitors/${foreign.id}`)).statusCode).toBe(200);
  });

  it('reports a monitor the quota refuses to resume as failed and resumes the others', async () => {
    const quoted = await signupUser(api.app, 'Quota Org');
    const asQuoted = client(api.app, quoted.token);
    await testDb.db
      .insertInto('organization_limits')
      .values({ org_id: quoted.orgId, max_checks_per_second: 0.05 })
      .execute();
    const ids: string[] = [];
    for (const name of ['q1', 'q2']) {
      const body = httpMonitor({ name, paused: true, regions: ['local'], intervalSeconds: 30 });
      ids.push((await create(body, asQuoted)).id);
    }
    const res = (await asQuoted.post('/v1/monitors/bulk', { action: 'resume', ids })).json();
    expect(res.results[0]).toEqual({ id: ids[0], outcome: 'resumed', error: null });
    expect(res.results[1]).toMatchObject({
      id: ids[1],
      outcome: 'failed',
      error: expect.stringContaining('checksPerSecond'),
    });
    expect((await asQuoted.get(`/v1/monitors/${ids[1]}`)).json().state.status).toBe('paused');
  });

  it('refuses an unknown action, no ids and more than 200 ids with a problem naming the field', async () => {
    expect(
      expectProblem(await as.post('/v1/monitors/bulk', { action: 'explode', ids: ['x'] }), 400).errors[0]
        ?.path,
    ).toBe('action');
    expect(
      expectProblem(await as.post('/v1/monitors/bulk', { action: 'pause', ids: [] }), 400).errors[0]?.path,
    ).toBe('ids');
    const many = Array.from({ length: 201 }, (_, i) => `id-${i}`);
    expect(
      expectProblem(await as.post('/v1/monitors/bulk', { action: 'delete', ids: many }), 400).errors[0]?.path,
    ).toBe('ids');
  });

  it('needs the member role', async () => {
    const viewer = await addMemberSession(api, owner, 'viewer');
    const a = await create(httpMonitor({ name: 'viewed' }));
    expectProblem(
      await client(api.app, viewer.token).post('/v1/monitors/bulk', { action: 'delete', ids: [a.id] }),
      403,
    );
    expect((await as.get(`/v1/monitors/${a.id}`)).statusCode).toBe(200);
  });
});

describe('POST /v1/monitors/:id/clone', () => {
  it('copies settings, channels and sealed secrets into a paused "(copy)" without showing a secret', async () => {
    const channel = (
      await as.post('/v1/channels', { type: 'webhook', name: 'h', config: { url: 'https://h.example.com' } })
    ).json();
    const source = await create(
      httpMonitor({
        name: 'Checkout API',
        url: 'https://user:pa55word@shop.example.com/health?token=tok-123456',
        headers: { Authorization: 'Bearer live-bearer-777', accept: 'text/html' },
        tags: ['prod', 'eu'],
        channelIds: [channel.id],
        intervalSeconds: 30,
      }),
    );
    const res = await as.post(`/v1/monitors/${source.id}/clone`);
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain('live-bearer-777');
    expect(res.body).not.toContain('pa55word');
    const copy = res.json();
    const { id: _a, createdAt: _b, updatedAt: _c, state: _d, name: _e, paused: _f, ...same } = source;
    expect(copy).toMatchObject({
      ...same,
      name: 'Checkout API (copy)',
      paused: true,
      state: { status: 'paused' },
    });
    expect(copy.id).not.toBe(source.id);
    expect(copy.headers.Authorization).toBe(SECRET_MASK);
    const row = await testDb.db
      .selectFrom('monitors')
      .select(['secrets'])
      .where('id', '=', copy.id)
      .executeTakeFirstOrThrow();
    const opened = new SecretBox(api.config.SECRETS_KEY).open<MonitorSecrets>(row.secrets ?? '');
    expect(opened.headers).toEqual({ Authorization: 'Bearer live-bearer-777' });
    expect(opened.url).toContain('pa55word');
  });

  it('gives a heartbeat copy its own ping token and keeps names within their limit', async () => {
    const source = await create({ type: 'heartbeat', name: 'x'.repeat(200), periodSeconds: 60 });
    const copy = (await as.post(`/v1/monitors/${source.id}/clone`)).json();
    expect(copy.heartbeatToken).toEqual(expect.any(String));
    expect(copy.heartbeatToken).not.toBe(source.heartbeatToken);
    expect(copy.name).toBe(`${'x'.repeat(193)} (copy)`);
  });

  it('answers 404 for another organization’s monitor and 403 to a viewer', async () => {
    const foreign = await create(httpMonitor({ name: 'theirs' }), asOther);
    expectProblem(await as.post(`/v1/monitors/${foreign.id}/clone`), 404);
    const viewer = await addMemberSession(api, owner, 'viewer');
    const mine = await create(httpMonitor({ name: 'mine' }));
    expectProblem(await client(api.app, viewer.token).post(`/v1/monitors/${mine.id}/clone`), 403);
  });
});

describe('POST /v1/monitors/:id/check-now', () => {
  const nextSlot = (id: string, intervalSeconds: number) =>
    slotAtOrBefore(id, intervalSeconds, api.clock.now().getTime()) + intervalSeconds * 1000;

  it('queues the next slot’s own job in every region, to run at once', async () => {
    const monitor = await create(httpMonitor({ name: 'now', intervalSeconds: 3600 }));
    const res = await as.post(`/v1/monitors/${monitor.id}/check-now`);
    expect(res.statusCode).toBe(202);
    const slot = nextSlot(monitor.id, 3600);
    expect(res.json()).toEqual({
      monitorId: monitor.id,
      scheduledAt: new Date(slot).toISOString(),
      regions: ['local', 'eu-west'],
      status: 'queued',
    });
    for (const region of ['local', 'eu-west']) {
      const job = await queueOf(region).getJob(checkJobId(monitor.id, slot, region));
      expect(job?.data).toMatchObject({
        scheduledAtMs: slot,
        region,
        kind: 'scheduled',
        attempt: 0,
        runNow: true,
      });
      expect(job?.data.spec.id).toBe(monitor.id);
      expect(job?.data.configVersion).toBe(Date.parse(monitor.updatedAt as string));
      expect(await job?.isDelayed()).toBe(false);
    }
  });

  it('is idempotent: asking again names the same slot and queues no second job', async () => {
    const monitor = await create(httpMonitor({ name: 'twice', intervalSeconds: 3600, regions: ['local'] }));
    const first = (await as.post(`/v1/monitors/${monitor.id}/check-now`)).json();
    const second = (await as.post(`/v1/monitors/${monitor.id}/check-now`)).json();
    expect(second.scheduledAt).toBe(first.scheduledAt);
    const jobs = await queueOf('local').getJobs(['wait', 'delayed', 'prioritized']);
    expect(jobs.filter((job) => job.data.spec.id === monitor.id)).toHaveLength(1);
  });

  it('runs a slot the scheduler queued delayed at once instead of adding another', async () => {
    const monitor = await create(httpMonitor({ name: 'delayed', intervalSeconds: 3600, regions: ['local'] }));
    const slot = nextSlot(monitor.id, 3600);
    const jobId = checkJobId(monitor.id, slot, 'local');
    const scheduled = await queueOf('local').add(
      'check',
      { spec: {} as CheckJob['spec'], scheduledAtMs: slot, region: 'local', kind: 'scheduled', attempt: 0 },
      { ...jobPolicies.check, jobId, delay: 3_600_000 },
    );
    expect(await scheduled.isDelayed()).toBe(true);
    await as.post(`/v1/monitors/${monitor.id}/check-now`);
    const job = await queueOf('local').getJob(jobId);
    expect(await job?.isDelayed()).toBe(false);
    expect(await job?.isWaiting()).toBe(true);
  });

  it('queues nothing once every region has reported the slot', async () => {
    const monitor = await create(httpMonitor({ name: 'done', intervalSeconds: 3600, regions: ['local'] }));
    const slot = nextSlot(monitor.id, 3600);
    await testDb.db
      .insertInto('check_results')
      .values({
        org_id: owner.orgId,
        monitor_id: monitor.id,
        scheduled_at: new Date(slot),
        checked_at: new Date(),
        region: 'local',
        kind: 'scheduled',
        attempt: 0,
        ok: true,
        status_code: 200,
        latency_ms: 12,
        phases: JSON.stringify({}),
        cert_expires_at: null,
        error_kind: null,
        error_message: null,
        failed_assertions: JSON.stringify([]),
      })
      .execute();
    const res = (await as.post(`/v1/monitors/${monitor.id}/check-now`)).json();
    expect(res.status).toBe('checked');
    expect(await queueOf('local').getJob(checkJobId(monitor.id, slot, 'local'))).toBeUndefined();
  });

  it('refuses paused and heartbeat monitors with 409, another organization’s with 404, a viewer with 403', async () => {
    const paused = await create(httpMonitor({ name: 'resting', paused: true }));
    expect(expectProblem(await as.post(`/v1/monitors/${paused.id}/check-now`), 409).detail).toContain(
      'paused',
    );
    const heartbeat = await create({ type: 'heartbeat', name: 'cron', periodSeconds: 60 });
    expect(expectProblem(await as.post(`/v1/monitors/${heartbeat.id}/check-now`), 409).detail).toContain(
      'pings',
    );
    const retired = await create(httpMonitor({ name: 'retired region' }));
    // A region the deployment no longer runs (the API refuses it at create time, not afterwards).
    await sql`UPDATE monitors SET config = jsonb_set(config, '{regions}', '["mars"]') WHERE id = ${retired.id}`.execute(
      testDb.db,
    );
    expect(expectProblem(await as.post(`/v1/monitors/${retired.id}/check-now`), 409).detail).toContain(
      'regions',
    );
    const foreign = await create(httpMonitor({ name: 'theirs' }), asOther);
    expectProblem(await as.post(`/v1/monitors/${foreign.id}/check-now`), 404);
    const viewer = await addMemberSession(api, owner, 'viewer');
    const mine = await create(httpMonitor({ name: 'watched' }));
    expectProblem(await client(api.app, viewer.token).post(`/v1/monitors/${mine.id}/check-now`), 403);
  });
});

describe('GET /v1/monitors/recent-checks', () => {
  const base = Date.now() - 10 * 60_000;
  const result = (orgId: string, monitorId: string, minute: number, region: string, ok: boolean) => ({
    org_id: orgId,
    monitor_id: monitorId,
    scheduled_at: new Date(base + minute * 60_000),
    checked_at: new Date(base + minute * 60_000 + 100),
    region,
    kind: 'scheduled' as const,
    attempt: 0,
    ok,
    status_code: ok ? 200 : 503,
    latency_ms: ok ? 40 : 60,
    phases: JSON.stringify({}),
    cert_expires_at: new Date(Date.UTC(2027, 0, minute + 1)),
    error_kind: ok ? null : 'http_status',
    error_message: ok ? null : 'HTTP 503',
    failed_assertions: JSON.stringify([]),
  });

  it('returns the last slots of each monitor, one tick per slot, and the newest certificate expiry', async () => {
    const a = await create(httpMonitor({ name: 'ticks-a' }));
    const b = await create(httpMonitor({ name: 'ticks-b' }));
    const foreign = await create(httpMonitor({ name: 'theirs' }), asOther);
    const rows = [];
    for (let minute = 0; minute < 5; minute++) {
      rows.push(result(owner.orgId, a.id, minute, 'local', minute !== 3));
      rows.push(result(owner.orgId, a.id, minute, 'eu-west', minute !== 3 && minute !== 4));
    }
    rows.push(result(other.orgId, foreign.id, 0, 'local', false));
    await testDb.db.insertInto('check_results').values(rows).execute();

    const res = await as.get(`/v1/monitors/recent-checks?ids=${a.id},${b.id},${foreign.id}&limit=3`);
    expect(res.statusCode).toBe(200);
    const at = (minute: number) => new Date(base + minute * 60_000).toISOString();
    expect(res.json().items).toEqual(
      expect.arrayContaining([
        {
          monitorId: a.id,
          checks: [
            { scheduledAt: at(2), ok: true, failedRegions: 0, regions: 2, latencyMs: 40 },
            { scheduledAt: at(3), ok: false, failedRegions: 2, regions: 2, latencyMs: 60 },
            { scheduledAt: at(4), ok: false, failedRegions: 1, regions: 2, latencyMs: 50 },
          ],
          certExpiresAt: new Date(Date.UTC(2027, 0, 5)).toISOString(),
        },
        { monitorId: b.id, checks: [], certExpiresAt: null },
      ]),
    );
    expect(res.json().items).toHaveLength(2);
  });

  it('refuses more than 200 ids', async () => {
    const ids = Array.from(
      { length: 201 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    expect(
      expectProblem(await as.get(`/v1/monitors/recent-checks?ids=${ids.join(',')}`), 400).errors[0]?.path,
    ).toBe('ids');
  });
});
