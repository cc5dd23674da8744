import {
  checkJobSchema,
  checkQueueName,
  confirmationJobId,
  jobPolicies,
  NOTIFY_QUEUE,
  notifyJobId,
  VERIFY_QUEUE,
  verifyJobId,
} from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifierMetrics } from '../src/metrics';
import { createVerifier, type VerifierEngine } from '../src/verifier';
import { RESULT_BATCH } from '../src/verify/verify-monitor';
import {
  alertsOf,
  createMonitor,
  createOrg,
  createWebhookChannel,
  incidentsOf,
  insertResult,
  monitorState,
  type ResultInput,
  TEST_SECRETS_KEY,
} from './fixtures';

const logger = createLogger('verifier-test', 'silent');
const box = new SecretBox(TEST_SECRETS_KEY);
let tdb: TestDatabase;
let redis: Redis;
let prefix: string;
let engine: VerifierEngine;
let verifyQueue: Queue;
let notifyQueue: Queue;
const checkQueues = new Map<string, Queue>();
let now = Date.now();
const clock = () => now;

function checkQueue(region: string): Queue {
  let queue = checkQueues.get(region);
  if (!queue) {
    queue = new Queue(checkQueueName(region), { connection: redis, prefix });
    checkQueues.set(region, queue);
  }
  return queue;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  verifyQueue = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  notifyQueue = new Queue(NOTIFY_QUEUE, { connection: redis, prefix });
  engine = createVerifier({
    db: tdb.db,
    connection: redis,
    prefix,
    regions: ['local', 'eu'],
    clock,
    logger,
    tickIntervalMs: 100,
    // Deadlines in these tests: planned + timeoutMs + 5 s of allowed lateness.
    resultLatenessMs: 5_000,
  });
  engine.start();
});

afterAll(async () => {
  await engine?.close();
  await Promise.all([
    verifyQueue?.close(),
    notifyQueue?.close(),
    ...[...checkQueues.values()].map((q) => q.close()),
  ]);
  await redis?.quit();
  await tdb?.drop();
});

/** A monitor in its own organization, with `channels` webhook channels linked. */
async function setup(channels = 1, overrides: Parameters<typeof createMonitor>[2] = {}) {
  const orgId = await createOrg(tdb.db);
  const monitorId = await createMonitor(tdb.db, orgId, overrides);
  const channelIds: string[] = [];
  for (let i = 0; i < channels; i++) {
    channelIds.push(
      await createWebhookChannel(tdb.db, box, {
        orgId,
        monitorId,
        url: `http://127.0.0.1:9/${i}`,
        secret: 's',
      }),
    );
  }
  // Slots 10 s apart; confirmations 5 s after a slot. Well in the past, so nothing waits on real time.
  const base = Math.floor(Date.now() / 10_000) * 10_000 - 3_600_000;
  return { orgId, monitorId, channelIds, job: { orgId, monitorId }, slot: (k: number) => base + k * 10_000 };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Writes a result as a worker would, then pokes the verifier through its queue. */
async function arrive(m: Setup, input: ResultInput) {
  now = input.checkedAtMs ?? input.scheduledAtMs + 200;
  await insertResult(tdb.db, m.orgId, m.monitorId, input);
  await verifyQueue.add('verify', m.job, {
    ...jobPolicies.verify,
    jobId: verifyJobId(m.monitorId, input.scheduledAtMs, input.region ?? 'local', input.kind ?? 'scheduled'),
  });
}

async function consumedThrough(monitorId: string): Promise<number | null> {
  return (await monitorState(tdb.db, monitorId)).consumed_through?.getTime() ?? null;
}

async function arriveAndWait(m: Setup, input: ResultInput) {
  await arrive(m, input);
  await expect.poll(() => consumedThrough(m.monitorId), { timeout: 10_000 }).toBe(input.scheduledAtMs);
}

async function verifyQueueIdle(): Promise<boolean> {
  const counts = await verifyQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  return Object.values(counts).every((n) => n === 0);
}

/** ok, fail, failed confirmation: the monitor goes down. */
async function goDown(m: Setup) {
  await arriveAndWait(m, { scheduledAtMs: m.slot(0), ok: true });
  await arriveAndWait(m, { scheduledAtMs: m.slot(1), ok: false });
  await arriveAndWait(m, { scheduledAtMs: m.slot(1) + 5_000, ok: false, kind: 'confirmation', attempt: 1 });
}

describe('verifier', () => {
  it('a single failed result followed by successes opens no incident and writes no alert', async () => {
    const m = await setup(1);
    await arriveAndWait(m, { scheduledAtMs: m.slot(0), ok: true });
    await arriveAndWait(m, { scheduledAtMs: m.slot(1), ok: false });
    await arriveAndWait(m, { scheduledAtMs: m.slot(1) + 5_000, ok: true, kind: 'confirmation', attempt: 1 });
    await arriveAndWait(m, { scheduledAtMs: m.slot(2), ok: true });

    const state = await monitorState(tdb.db, m.monitorId);
    expect(state.status).toBe('up');
    expect(state.last_error).toBeNull();
    expect(await incidentsOf(tdb.db, m.monitorId)).toEqual([]);
    expect(await alertsOf(tdb.db, m.monitorId)).toEqual([]);
  });

  it('a new monitor going up writes no incident and no alert', async () => {
    const m = await setup(1);
    await arriveAndWait(m, { scheduledAtMs: m.slot(0), ok: true });
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('up');
    expect(await alertsOf(tdb.db, m.monitorId)).toEqual([]);
  });

  it('failures reaching failureThreshold open one incident and one pending alert per channel, queued for delivery', async () => {
    const m = await setup(2);
    await goDown(m);

    const state = await monitorState(tdb.db, m.monitorId);
    const incidents = await incidentsOf(tdb.db, m.monitorId);
    expect(incidents).toHaveLength(1);
    const incident = incidents[0];
    expect(incident).toMatchObject({ status: 'open', cause: 'HTTP 500', org_id: m.orgId, resolved_at: null });
    expect(incident?.opened_at.getTime()).toBe(m.slot(1) + 5_000);
    expect(state).toMatchObject({ status: 'down', last_latency_ms: 42 });
    expect(state.since?.getTime()).toBe(incident?.opened_at.getTime());
    expect(state.last_error).toEqual({ kind: 'http_status', message: 'status 500 outside [200, 399]' });

    const alerts = await alertsOf(tdb.db, m.monitorId);
    expect(alerts.map((a) => a.channel_id).sort()).toEqual([...m.channelIds].sort());
    for (const alert of alerts) {
      expect(alert).toMatchObject({
        event: 'monitor.down',
        status: 'pending',
        attempts: 0,
        incident_id: incident?.id,
      });
      expect(alert.payload).toEqual({
        id: alert.id,
        event: 'monitor.down',
        occurredAt: incident?.opened_at.toISOString(),
        monitor: { id: m.monitorId, name: 'Checkout API', url: 'https://shop.example.com/health' },
        incident: { id: incident?.id, openedAt: incident?.opened_at.toISOString(), resolvedAt: null },
        cause: 'HTTP 500',
      });
      const job = await notifyQueue.getJob(notifyJobId(alert.id));
      expect(job?.data).toEqual({ orgId: m.orgId, alertId: alert.id });
      expect(job?.opts.attempts).toBe(jobPolicies.notify.attempts);
    }
  });

  it('recovery resolves the open incident and writes one monitor.up alert per channel', async () => {
    const m = await setup(2);
    await goDown(m);
    await arriveAndWait(m, { scheduledAtMs: m.slot(2), ok: true });
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('down');
    await arriveAndWait(m, { scheduledAtMs: m.slot(2) + 5_000, ok: true, kind: 'confirmation', attempt: 1 });

    const [incident] = await incidentsOf(tdb.db, m.monitorId);
    expect(incident?.status).toBe('resolved');
    expect(incident?.resolved_at?.getTime()).toBe(m.slot(2) + 5_000);
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('up');
    const up = (await alertsOf(tdb.db, m.monitorId)).filter((a) => a.event === 'monitor.up');
    expect(up.map((a) => a.channel_id).sort()).toEqual([...m.channelIds].sort());
    for (const alert of up) {
      expect(alert.payload).toMatchObject({
        id: alert.id,
        event: 'monitor.up',
        incident: { id: incident?.id, resolvedAt: incident?.resolved_at?.toISOString() },
        cause: null,
      });
      expect(await notifyQueue.getJob(notifyJobId(alert.id))).toBeDefined();
    }
  });

  it('replaying verify jobs after their results were consumed changes nothing', async () => {
    const m = await setup(2);
    await goDown(m);
    const before = await monitorState(tdb.db, m.monitorId);
    const notifyBefore = await notifyQueue.getJobCounts('waiting', 'delayed');

    for (const [t, kind] of [
      [m.slot(0), 'scheduled'],
      [m.slot(1), 'scheduled'],
      [m.slot(1) + 5_000, 'confirmation'],
    ] as const) {
      await verifyQueue.add('verify', m.job, {
        ...jobPolicies.verify,
        jobId: verifyJobId(m.monitorId, t, 'local', kind),
      });
    }
    const direct = await engine.verify(m.job);
    await expect.poll(verifyQueueIdle, { timeout: 10_000 }).toBe(true);

    expect(direct).toMatchObject({ verdicts: 0, transitions: [], alertIds: [], confirmationJobIds: [] });
    expect(await incidentsOf(tdb.db, m.monitorId)).toHaveLength(1);
    expect(await alertsOf(tdb.db, m.monitorId)).toHaveLength(2);
    expect(await monitorState(tdb.db, m.monitorId)).toEqual(before);
    expect(await notifyQueue.getJobCounts('waiting', 'delayed')).toEqual(notifyBefore);
  });

  it('two verifier engines working the same results concurrently consume each result once and decide once', async () => {
    // Both engines count into one set of metrics: every verdict any of them reached is counted.
    const metrics = createVerifierMetrics(new Registry());
    const engines = [0, 1].map(() =>
      createVerifier({ db: tdb.db, connection: redis, prefix, regions: ['local'], clock, logger, metrics }),
    );
    try {
      const m = await setup(2);
      const c1 = m.slot(1) + 5_000;
      for (const input of [
        { scheduledAtMs: m.slot(0), ok: true },
        { scheduledAtMs: m.slot(1), ok: false },
        { scheduledAtMs: c1, ok: false, kind: 'confirmation' as const, attempt: 1 },
      ]) {
        await insertResult(tdb.db, m.orgId, m.monitorId, input);
      }
      now = c1 + 200;
      const runs = await Promise.all([0, 1, 2].flatMap(() => engines.map((e) => e.verify(m.job))));

      const sum = async (counter: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> }) =>
        (await counter.get()).values.reduce((n, v) => n + v.value, 0);
      expect(await sum(metrics.verdicts)).toBe(3);
      expect((await metrics.transitions.get()).values.map((v) => [v.labels, v.value])).toEqual(
        expect.arrayContaining([
          [{ to: 'up' }, 1],
          [{ to: 'down' }, 1],
        ]),
      );
      expect(runs.flatMap((r) => r.alertIds)).toHaveLength(2);
      expect(await incidentsOf(tdb.db, m.monitorId)).toHaveLength(1);
      const alerts = await alertsOf(tdb.db, m.monitorId);
      expect(alerts).toHaveLength(2);
      expect((await monitorState(tdb.db, m.monitorId)).status).toBe('down');
      for (const alert of alerts) expect(await notifyQueue.getJob(notifyJobId(alert.id))).toBeDefined();
    } finally {
      await Promise.all(engines.map((e) => e.close()));
    }
  });

  it('a requested confirmation is queued in each region the monitor and the deployment share, due at its planned time', async () => {
    const m = await setup(0, { regions: ['local', 'far'] });
    await arriveAndWait(m, { scheduledAtMs: m.slot(0), ok: true });
    await insertResult(tdb.db, m.orgId, m.monitorId, { scheduledAtMs: m.slot(1), ok: false });
    now = m.slot(1) + 1_000;
    const summary = await engine.verify(m.job);

    const planned = m.slot(1) + 5_000;
    const jobId = confirmationJobId(m.monitorId, planned, 1, 'local');
    expect(summary.confirmationJobIds).toEqual([jobId]);
    const job = await checkQueue('local').getJob(jobId);
    expect(job?.opts.delay).toBe(4_000);
    const data = checkJobSchema.parse(job?.data);
    expect(data).toMatchObject({ scheduledAtMs: planned, region: 'local', kind: 'confirmation', attempt: 1 });
    const { updated_at } = await tdb.db
      .selectFrom('monitors')
      .select('updated_at')
      .where('id', '=', m.monitorId)
      .executeTakeFirstOrThrow();
    expect(data.configVersion).toBe(updated_at.getTime());
    expect(data.spec).toMatchObject({
      id: m.monitorId,
      orgId: m.orgId,
      type: 'http',
      url: 'https://shop.example.com/health',
    });
    expect(job?.opts.attempts).toBe(jobPolicies.check.attempts);
    expect(await checkQueue('far').getJob(confirmationJobId(m.monitorId, planned, 1, 'far'))).toBeUndefined();
    expect(await checkQueue('eu').getJob(confirmationJobId(m.monitorId, planned, 1, 'eu'))).toBeUndefined();
  });

  it('holds a later slot behind an awaited confirmation and consumes both in slot order once it arrives', async () => {
    const m = await setup(1);
    await arriveAndWait(m, { scheduledAtMs: m.slot(0), ok: true });
    await arriveAndWait(m, { scheduledAtMs: m.slot(1), ok: false });

    // The next slot's fast result lands before the slow confirmation's.
    await insertResult(tdb.db, m.orgId, m.monitorId, { scheduledAtMs: m.slot(2), ok: true });
    now = m.slot(2) + 200;
    const held = await engine.verify(m.job);
    expect(held).toMatchObject({ verdicts: 0, held: 1 });
    expect(await consumedThrough(m.monitorId)).toBe(m.slot(1));

    const c1 = m.slot(1) + 5_000;
    await insertResult(tdb.db, m.orgId, m.monitorId, {
      scheduledAtMs: c1,
      ok: false,
      kind: 'confirmation',
      attempt: 1,
      checkedAtMs: m.slot(2) + 250,
    });
    now = m.slot(2) + 300;
    const both = await engine.verify(m.job);
    expect(both).toMatchObject({ verdicts: 2, transitions: ['up->down'], held: 0 });
    expect(await consumedThrough(m.monitorId)).toBe(m.slot(2));
    expect((await incidentsOf(tdb.db, m.monitorId)).map((i) => i.status)).toEqual(['open']);
    // down, then one good verdict: a recovery confirmation is asked for.
    expect(both.confirmationJobIds).toEqual([confirmationJobId(m.monitorId, m.slot(2) + 5_000, 1, 'local')]);
  });

  it('a result at or before the consumed time is stored but changes no state', async () => {
    const m = await setup(1);
    await arriveAndWait(m, { scheduledAtMs: m.slot(0), ok: true });
    await arriveAndWait(m, { scheduledAtMs: m.slot(1), ok: true });
    const before = await monitorState(tdb.db, m.monitorId);

    await insertResult(tdb.db, m.orgId, m.monitorId, { scheduledAtMs: m.slot(1), ok: false, region: 'eu' });
    await insertResult(tdb.db, m.orgId, m.monitorId, {
      scheduledAtMs: m.slot(0) + 5_000,
      ok: false,
      kind: 'confirmation',
    });
    const summary = await engine.verify(m.job);

    expect(summary.verdicts).toBe(0);
    expect(await monitorState(tdb.db, m.monitorId)).toEqual(before);
    const stored = await tdb.db
      .selectFrom('check_results')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('monitor_id', '=', m.monitorId)
      .executeTakeFirstOrThrow();
    expect(stored.n).toBe(4);
  });

  it('the periodic tick moves past an overdue confirmation, and its late result is then ignored', async () => {
    const m = await setup(1);
    await goDown(m);
    await arriveAndWait(m, { scheduledAtMs: m.slot(2), ok: true });
    // Awaiting the recovery confirmation at slot(2) + 5 s; the next slot is held behind it.
    await insertResult(tdb.db, m.orgId, m.monitorId, { scheduledAtMs: m.slot(3), ok: true });
    now = m.slot(3) + 200;
    expect(await engine.verify(m.job)).toMatchObject({ verdicts: 0, held: 1 });

    // Deadline: planned + timeoutMs (2 s) + 5 s allowed lateness = slot(3) + 2 s. No result pokes the verifier.
    now = m.slot(3) + 2_001;
    await expect.poll(() => consumedThrough(m.monitorId), { timeout: 10_000 }).toBe(m.slot(3));
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('up');
    expect((await incidentsOf(tdb.db, m.monitorId)).map((i) => i.status)).toEqual(['resolved']);

    await insertResult(tdb.db, m.orgId, m.monitorId, {
      scheduledAtMs: m.slot(2) + 5_000,
      ok: false,
      kind: 'confirmation',
      attempt: 1,
    });
    expect(await engine.verify(m.job)).toMatchObject({ verdicts: 0 });
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('up');
  });

  it('a backlog bigger than one batch is consumed completely by one verification', async () => {
    const m = await setup(0);
    const count = RESULT_BATCH + 10;
    await tdb.db
      .insertInto('check_results')
      .values(
        Array.from({ length: count }, (_, k) => ({
          org_id: m.orgId,
          monitor_id: m.monitorId,
          scheduled_at: new Date(m.slot(k)),
          checked_at: new Date(m.slot(k) + 100),
          region: 'local',
          kind: 'scheduled' as const,
          attempt: 0,
          ok: true,
          status_code: 200,
          latency_ms: 5,
          phases: JSON.stringify({}),
          failed_assertions: JSON.stringify([]),
        })),
      )
      .execute();
    now = m.slot(count);
    expect(await engine.verify(m.job)).toMatchObject({ verdicts: count, transitions: ['pending->up'] });
    expect(await consumedThrough(m.monitorId)).toBe(m.slot(count - 1));
  });

  it('a paused monitor consumes its results without deciding anything', async () => {
    const m = await setup(1, { paused: true });
    await arriveAndWait(m, { scheduledAtMs: m.slot(0), ok: false });
    await arriveAndWait(m, { scheduledAtMs: m.slot(1), ok: false });
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('paused');
    expect(await incidentsOf(tdb.db, m.monitorId)).toEqual([]);
  });

  it('a verify job with an invalid payload fails at once without retries', async () => {
    const job = await verifyQueue.add(
      'verify',
      { orgId: 'not-a-uuid' },
      { ...jobPolicies.verify, jobId: 'v-bad-1' },
    );
    await expect.poll(() => job.getState(), { timeout: 10_000 }).toBe('failed');
    const failed = await verifyQueue.getJob('v-bad-1');
    expect(failed?.attemptsMade).toBe(1);
  });
});
