import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { jobPolicies, NOTIFY_QUEUE, notifyJobId, VERIFY_QUEUE, verifyJobId } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis, redactPaths, SecretBox } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES } from '../src/channels/http-post';
import { createNotifier, type Notifier } from '../src/notify/notifier';
import { createVerifier, type VerifierEngine } from '../src/verifier';
import {
  alertsOf,
  createMonitor,
  createOrg,
  createWebhookChannel,
  incidentsOf,
  insertResult,
  type ResultInput,
  TEST_SECRETS_KEY,
} from './fixtures';
import { type Receiver, startReceiver } from './receiver';

const box = new SecretBox(TEST_SECRETS_KEY);
const secrets = {
  '/a': `whsec_${randomUUID()}`,
  '/b': `whsec_${randomUUID()}`,
  '/flaky': `whsec_${randomUUID()}`,
  '/down': `whsec_${randomUUID()}`,
  '/swept': `whsec_${randomUUID()}`,
  '/stream': `whsec_${randomUUID()}`,
};
const logLines: string[] = [];
const logger = pino(
  { level: 'debug', redact: { paths: redactPaths, censor: '[redacted]' } },
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  }),
);
// Short retries through the engines' options; three attempts in all.
const notifyPolicy = { attempts: 3, backoff: { type: 'fixed' as const, delay: 50 } };

let tdb: TestDatabase;
let redis: Redis;
let prefix: string;
let receiver: Receiver;
let verifier: VerifierEngine;
let notifier: Notifier;
let verifyQueue: Queue;
let notifyQueue: Queue;

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  receiver = await startReceiver(secrets);
  verifyQueue = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  notifyQueue = new Queue(NOTIFY_QUEUE, { connection: redis, prefix });
  const common = { db: tdb.db, connection: redis, prefix, logger, notifyPolicy };
  verifier = createVerifier({ ...common, regions: ['local'] });
  notifier = createNotifier({
    ...common,
    secretBox: box,
    allowPrivateTargets: true,
    sweepIntervalMs: 100,
    sweepAgeMs: 30_000,
  });
  verifier.start();
  notifier.start();
});

afterAll(async () => {
  await verifier?.close();
  await notifier?.close();
  await Promise.all([verifyQueue?.close(), notifyQueue?.close()]);
  await receiver?.close();
  await redis?.quit();
  await tdb?.drop();
});

async function setup(paths: Array<keyof typeof secrets>) {
  const orgId = await createOrg(tdb.db);
  const monitorId = await createMonitor(tdb.db, orgId);
  const channels: Record<string, string> = {};
  for (const path of paths) {
    channels[path] = await createWebhookChannel(tdb.db, box, {
      orgId,
      monitorId,
      url: receiver.url(path),
      secret: secrets[path],
    });
  }
  const base = Math.floor(Date.now() / 10_000) * 10_000 - 600_000;
  return { orgId, monitorId, channels, slot: (k: number) => base + k * 10_000 };
}
type Setup = Awaited<ReturnType<typeof setup>>;

async function arrive(m: Setup, input: ResultInput) {
  await insertResult(tdb.db, m.orgId, m.monitorId, input);
  await verifyQueue.add(
    'verify',
    { orgId: m.orgId, monitorId: m.monitorId },
    {
      ...jobPolicies.verify,
      jobId: verifyJobId(m.monitorId, input.scheduledAtMs, 'local', input.kind ?? 'scheduled'),
    },
  );
}

async function goDown(m: Setup) {
  await arrive(m, { scheduledAtMs: m.slot(0), ok: true });
  await arrive(m, { scheduledAtMs: m.slot(1), ok: false });
  await arrive(m, { scheduledAtMs: m.slot(1) + 5_000, ok: false, kind: 'confirmation', attempt: 1 });
}

async function alertAttempts(alertId: string) {
  return tdb.db
    .selectFrom('alert_attempts')
    .select(['ok', 'status_code', 'error'])
    .where('alert_id', '=', alertId)
    .orderBy('id')
    .execute();
}

describe('notifier', () => {
  it('a down transition delivers one signed webhook per channel with the alert id as idempotency key', async () => {
    const m = await setup(['/a', '/b']);
    await goDown(m);
    await expect.poll(() => receiver.at('/a').length + receiver.at('/b').length, { timeout: 10_000 }).toBe(2);
    await expect
      .poll(async () => (await alertsOf(tdb.db, m.monitorId)).map((a) => a.status), { timeout: 10_000 })
      .toEqual(['sent', 'sent']);

    const alerts = await alertsOf(tdb.db, m.monitorId);
    const [incident] = await incidentsOf(tdb.db, m.monitorId);
    for (const path of ['/a', '/b'] as const) {
      const [hook] = receiver.at(path);
      const alert = alerts.find((a) => a.channel_id === m.channels[path]);
      expect(hook?.signatureValid).toBe(true);
      expect(hook?.headers['content-type']).toBe('application/json');
      expect(hook?.headers['idempotency-key']).toBe(alert?.id);
      expect(hook?.headers['user-agent']).toMatch(/^SentinelMesh\/\d+\.\d+\.\d+$/);
      expect(hook?.body).toEqual(alert?.payload);
      expect(hook?.body).toMatchObject({
        id: alert?.id,
        event: 'monitor.down',
        incident: { id: incident?.id },
      });
      expect(alert).toMatchObject({ attempts: 1, last_error: null });
      expect(alert?.sent_at).toBeInstanceOf(Date);
      expect(await alertAttempts(alert?.id ?? '')).toEqual([{ ok: true, status_code: 200, error: null }]);
    }
    const logs = logLines.join('');
    expect(logs).toContain('alert delivered');
    for (const hook of receiver.received) {
      expect(logs).not.toContain(String(hook.headers['x-sentinel-signature']));
    }
    for (const secret of Object.values(secrets)) expect(logs).not.toContain(secret);
  });

  it('a recovery delivers monitor.up for the resolved incident', async () => {
    const m = await setup(['/a']);
    await goDown(m);
    await arrive(m, { scheduledAtMs: m.slot(2), ok: true });
    await arrive(m, { scheduledAtMs: m.slot(2) + 5_000, ok: true, kind: 'confirmation', attempt: 1 });
    await expect
      .poll(
        () => receiver.at('/a').filter((h) => (h.body.monitor as { id: string }).id === m.monitorId).length,
        {
          timeout: 10_000,
        },
      )
      .toBe(2);
    // Exactly one of each; deliveries run concurrently, so the down may land after the up.
    const hooks = receiver.at('/a').filter((h) => (h.body.monitor as { id: string }).id === m.monitorId);
    expect(hooks.map((h) => h.body.event).sort()).toEqual(['monitor.down', 'monitor.up']);
    const up = hooks.find((h) => h.body.event === 'monitor.up');
    const [incident] = await incidentsOf(tdb.db, m.monitorId);
    expect(incident?.status).toBe('resolved');
    expect(up?.signatureValid).toBe(true);
    expect(up?.body).toMatchObject({
      event: 'monitor.up',
      incident: { id: incident?.id, resolvedAt: incident?.resolved_at?.toISOString() },
    });
  });

  it('a receiver failing twice then answering 200 gets the same alert id each time and the alert ends sent after 3 attempts', async () => {
    receiver.script('/flaky', [500, 500, 200]);
    const m = await setup(['/flaky']);
    await goDown(m);
    await expect
      .poll(async () => (await alertsOf(tdb.db, m.monitorId))[0]?.status, { timeout: 10_000 })
      .toBe('sent');

    const [alert] = await alertsOf(tdb.db, m.monitorId);
    const hooks = receiver.at('/flaky');
    expect(hooks).toHaveLength(3);
    expect(new Set(hooks.map((h) => h.headers['idempotency-key']))).toEqual(new Set([alert?.id]));
    expect(new Set(hooks.map((h) => h.body.id))).toEqual(new Set([alert?.id]));
    expect(hooks.every((h) => h.signatureValid)).toBe(true);
    expect(alert).toMatchObject({ status: 'sent', attempts: 3 });
    expect(await alertAttempts(alert?.id ?? '')).toEqual([
      { ok: false, status_code: 500, error: 'HTTP 500' },
      { ok: false, status_code: 500, error: 'HTTP 500' },
      { ok: true, status_code: 200, error: null },
    ]);
  });

  it('an alert whose receiver never accepts it ends failed once the attempts run out', async () => {
    receiver.script('/down', [503, 503, 503, 503]);
    const m = await setup(['/down']);
    await goDown(m);
    await expect
      .poll(async () => (await alertsOf(tdb.db, m.monitorId))[0]?.status, { timeout: 10_000 })
      .toBe('failed');
    const [alert] = await alertsOf(tdb.db, m.monitorId);
    expect(alert).toMatchObject({ attempts: 3, last_error: 'HTTP 503', sent_at: null });
    expect(receiver.at('/down')).toHaveLength(3);
    expect(await alertAttempts(alert?.id ?? '')).toHaveLength(3);
  });

  it('a receiver that answers 200 and streams without end has not acknowledged: the alert ends failed, every attempt with the same key', async () => {
    receiver.streamWithoutEnd('/stream');
    const m = await setup(['/stream']);
    await goDown(m);
    await expect
      .poll(async () => (await alertsOf(tdb.db, m.monitorId))[0]?.status, { timeout: 10_000 })
      .toBe('failed');
    const [alert] = await alertsOf(tdb.db, m.monitorId);
    const error = `HTTP 200, but the response is over ${MAX_RESPONSE_BYTES} bytes`;
    expect(alert).toMatchObject({ attempts: 3, last_error: error, sent_at: null });
    expect(await alertAttempts(alert?.id ?? '')).toEqual(
      Array.from({ length: 3 }, () => ({ ok: false, status_code: 200, error })),
    );
    expect(receiver.at('/stream').map((r) => r.headers['idempotency-key'])).toEqual(
      Array.from({ length: 3 }, () => alert?.id),
    );
  });

  it('the sweeper re-enqueues a pending alert whose job was lost, and leaves a fresh one alone', async () => {
    const m = await setup(['/swept']);
    const insertAlert = async (ageMs: number) => {
      const id = randomUUID();
      await tdb.db
        .insertInto('alerts')
        .values({
          id,
          org_id: m.orgId,
          incident_id: null,
          monitor_id: m.monitorId,
          channel_id: m.channels['/swept'] as string,
          event: 'test',
          status: 'pending',
          payload: JSON.stringify({ id, event: 'test', occurredAt: new Date().toISOString() }),
          created_at: new Date(Date.now() - ageMs),
        })
        .execute();
      return id;
    };
    const lost = await insertAlert(60_000);
    const fresh = await insertAlert(0);

    await expect.poll(() => receiver.at('/swept').length, { timeout: 10_000 }).toBe(1);
    expect(receiver.at('/swept')[0]?.headers['idempotency-key']).toBe(lost);
    await expect
      .poll(async () => (await alertsOf(tdb.db, m.monitorId)).find((a) => a.id === lost)?.status, {
        timeout: 10_000,
      })
      .toBe('sent');
    const freshAlert = (await alertsOf(tdb.db, m.monitorId)).find((a) => a.id === fresh);
    expect(freshAlert).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await notifyQueue.getJob(notifyJobId(fresh))).toBeUndefined();
  });

  it('an already delivered alert is not sent again when its job is replayed', async () => {
    const m = await setup(['/a']);
    await goDown(m);
    await expect
      .poll(async () => (await alertsOf(tdb.db, m.monitorId))[0]?.status, { timeout: 10_000 })
      .toBe('sent');
    const [alert] = await alertsOf(tdb.db, m.monitorId);
    const id = alert?.id ?? '';
    const job = await notifyQueue.add(
      'notify',
      { orgId: m.orgId, alertId: id },
      { ...notifyPolicy, jobId: `replay-${id}`, removeOnComplete: false },
    );
    await expect.poll(() => job.getState(), { timeout: 10_000 }).toBe('completed');
    expect((await notifyQueue.getJob(`replay-${id}`))?.returnvalue).toBe('skipped');
    expect(receiver.received.filter((h) => h.headers['idempotency-key'] === id)).toHaveLength(1);
    expect(await alertAttempts(id)).toHaveLength(1);
  });
});
