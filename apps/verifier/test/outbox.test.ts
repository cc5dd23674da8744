import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { NOTIFY_QUEUE, notifyJobId } from '@sentinelmesh/core';
import { createDb, type Db } from '@sentinelmesh/db';
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
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../src/channels/adapter';
import { createWebhookAdapter } from '../src/channels/webhook';
import { createVerifierMetrics } from '../src/metrics';
import { createNotifier, type Notifier, type NotifierOptions } from '../src/notify/notifier';
import { createMonitor, createOrg, createWebhookChannel, TEST_SECRETS_KEY } from './fixtures';
import { type Receiver, startReceiver } from './receiver';

const box = new SecretBox(TEST_SECRETS_KEY);
const logger = createLogger('outbox-test', 'silent');
const secret = `whsec_${randomUUID()}`;
const notifyPolicy = { attempts: 3, backoff: { type: 'fixed' as const, delay: 50 } };

let tdb: TestDatabase;
let redis: Redis;
let receiver: Receiver;
/** What a test opened, closed after it: a notifier left running would sweep the next test's alerts. */
let opened: Array<{ close: () => Promise<unknown> }> = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  receiver = await startReceiver({ '/hook': secret });
});

afterEach(async () => {
  for (const thing of opened.reverse()) await thing.close();
  opened = [];
});

afterAll(async () => {
  await receiver?.close();
  await redis?.quit();
  await tdb?.drop();
});

/** A notifier on its own queue prefix; closed after the test unless `closedHere`. */
function notifier(prefix: string, options: Partial<NotifierOptions> = {}, closedHere = false): Notifier {
  const engine = createNotifier({
    db: tdb.db,
    connection: redis,
    prefix,
    logger,
    secretBox: box,
    allowPrivateTargets: true,
    notifyPolicy,
    ...options,
  });
  if (!closedHere) opened.push(engine);
  return engine;
}

function queue(prefix: string): Queue {
  const q = new Queue(NOTIFY_QUEUE, { connection: redis, prefix });
  opened.push(q);
  return q;
}

/** A Postgres URL on a loopback port nothing listens on. */
async function unreachableDb(): Promise<Db> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const db = createDb({
    connectionString: `postgres://nobody@127.0.0.1:${port}/none`,
    onPoolError: () => {},
  });
  opened.push({ close: () => db.destroy() });
  return db;
}

async function setup() {
  const orgId = await createOrg(tdb.db);
  const monitorId = await createMonitor(tdb.db, orgId);
  const channelId = await createWebhookChannel(tdb.db, box, {
    orgId,
    monitorId,
    url: receiver.url('/hook'),
    secret,
  });
  const insertAlerts = async (count: number, ageMs: number) => {
    const rows = Array.from({ length: count }, () => {
      const id = randomUUID();
      return {
        id,
        org_id: orgId,
        incident_id: null,
        monitor_id: monitorId,
        channel_id: channelId,
        event: 'test' as const,
        status: 'pending' as const,
        payload: JSON.stringify({ id, event: 'test', occurredAt: new Date().toISOString() }),
        created_at: new Date(Date.now() - ageMs),
      };
    });
    await tdb.db.insertInto('alerts').values(rows).execute();
    return rows.map((row) => row.id);
  };
  return { orgId, insertAlerts };
}

async function alert(id: string) {
  return tdb.db
    .selectFrom('alerts')
    .select(['status', 'attempts', 'sweeps'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

const deliveriesOf = (id: string) => receiver.at('/hook').filter((h) => h.headers['idempotency-key'] === id);

describe('the alert outbox', () => {
  it('an alert whose job ran out of retries without reaching Postgres is delivered once the sweeper finds it', async () => {
    const prefix = uniqueQueuePrefix();
    const m = await setup();
    const [id = ''] = await m.insertAlerts(1, 0);
    // A notifier cut off from Postgres: every attempt fails before anything is recorded.
    const cutOff = notifier(prefix, { db: await unreachableDb(), sweepIntervalMs: 60_000 }, true);
    cutOff.start();
    await queue(prefix).add(
      'notify',
      { orgId: m.orgId, alertId: id },
      { ...notifyPolicy, jobId: notifyJobId(id) },
    );
    await expect.poll(() => queue(prefix).getJobState(notifyJobId(id)), { timeout: 10_000 }).toBe('failed');
    await cutOff.close();
    expect(await alert(id)).toMatchObject({ status: 'pending', attempts: 0 });

    const metrics = createVerifierMetrics(new Registry());
    const healthy = notifier(prefix, { sweepIntervalMs: 100, sweepAgeMs: 500, metrics });
    healthy.start();
    await expect.poll(async () => (await alert(id)).status, { timeout: 10_000 }).toBe('sent');
    expect(deliveriesOf(id)).toHaveLength(1);
    expect(deliveriesOf(id)[0]?.signatureValid).toBe(true);
    const swept = await metrics.alertsSwept.get();
    expect(swept.values).toContainEqual(expect.objectContaining({ labels: { reason: 'gave_up' }, value: 1 }));
  });

  it('a job that gives up without recording an outcome hands its alert back at once, not after the sweep age', async () => {
    const prefix = uniqueQueuePrefix();
    const m = await setup();
    const [id = ''] = await m.insertAlerts(1, 0);
    // An adapter that breaks its never-throw contract three times (one job's attempts), then delivers.
    const webhook = createWebhookAdapter({ allowPrivateTargets: true, userAgent: 'test', clock: Date.now });
    opened.push(webhook);
    let throws = 3;
    const breaking: ChannelAdapter = {
      type: 'webhook',
      deliver: async (delivery) => {
        if (throws-- > 0) throw new Error('adapter bug');
        return webhook.deliver(delivery);
      },
    };
    const engine = notifier(prefix, { adapters: [breaking], sweepIntervalMs: 100, sweepAgeMs: 60_000 });
    engine.start();
    await queue(prefix).add(
      'notify',
      { orgId: m.orgId, alertId: id },
      { ...notifyPolicy, jobId: notifyJobId(id) },
    );
    await expect.poll(async () => (await alert(id)).status, { timeout: 10_000 }).toBe('sent');
    expect(deliveriesOf(id)).toHaveLength(1);
    expect(await alert(id)).toMatchObject({ attempts: 1, sweeps: 1 });
  });

  it('alerts whose jobs stay stuck do not starve a newer alert that lost its job', async () => {
    const prefix = uniqueQueuePrefix();
    const m = await setup();
    // More stuck alerts than one sweep takes (500), each with a job that waits an hour.
    const stuck = await m.insertAlerts(500, 3_600_000);
    await queue(prefix).addBulk(
      stuck.map((alertId) => ({
        name: 'notify',
        data: { orgId: m.orgId, alertId },
        opts: { jobId: notifyJobId(alertId), delay: 3_600_000 },
      })),
    );
    const [lost = ''] = await m.insertAlerts(1, 60_000);
    const engine = notifier(prefix, { sweepAgeMs: 30_000 });

    for (let sweep = 0; sweep < 3; sweep++) await engine.sweep();
    expect(await queue(prefix).getJobState(notifyJobId(lost))).toBe('waiting');
    // The stuck ones keep their own jobs, untouched.
    expect(await queue(prefix).getJobState(notifyJobId(stuck[0] ?? ''))).toBe('delayed');
    expect(await alert(stuck[0] ?? '')).toMatchObject({ status: 'pending', sweeps: 1 });
    expect(await alert(lost)).toMatchObject({ status: 'pending', sweeps: 1 });
  });
});
