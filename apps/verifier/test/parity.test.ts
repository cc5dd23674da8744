import { randomUUID } from 'node:crypto';
import { VERIFY_QUEUE } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../src/notify/notifier';
import { createVerifier } from '../src/verifier';
import {
  alertsOf,
  createChannel,
  createMonitor,
  createOrg,
  incidentsOf,
  monitorState,
  TEST_SECRETS_KEY,
} from './fixtures';
import { type Receiver, startReceiver } from './receiver';
import { startPagerDutyReceiver } from './receivers';
import { playSlots, type ScriptedMonitor, type World, waitFor } from './scenario';

const box = new SecretBox(TEST_SECRETS_KEY);
const logger = createLogger('parity-test', 'silent');
const regions = ['ap', 'eu', 'us'];
const notifyPolicy = { attempts: 5, backoff: { type: 'fixed' as const, delay: 50 } };
// Every setup plays the same instants, so their decisions can be compared as they are.
const base = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const at = (seconds: number) => base + seconds * 1000;

interface Scenario {
  name: string;
  intervalSeconds: number;
  slots: number;
  world: World;
}

const scenarios: Scenario[] = [
  { name: 'blip', intervalSeconds: 10, slots: 8, world: (t) => t !== at(30) },
  { name: 'outage', intervalSeconds: 10, slots: 16, world: (t) => t < at(30) || t >= at(100) },
  {
    name: 'two of three regions',
    intervalSeconds: 10,
    slots: 14,
    world: (t, region) => region === 'us' || t < at(20) || t >= at(80),
  },
  {
    name: 'one region alone',
    intervalSeconds: 10,
    slots: 12,
    world: (t, region) => region !== 'eu' || t < at(20),
  },
  {
    name: 'flapping',
    intervalSeconds: 5,
    // Ends while still flapping: the settled notice takes minutes of slots and is covered elsewhere.
    slots: 20,
    world: (t) => t < at(10) || t >= at(70) || Math.floor((t - at(10)) / 10_000) % 2 === 1,
  },
];

let redis: Redis;
let receiver: Receiver;
let pagerduty: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  redis = createRedis(testRedisUrl());
  receiver = await startReceiver({});
  pagerduty = await startPagerDutyReceiver();
});

afterAll(async () => {
  await Promise.all([receiver?.close(), pagerduty?.close()]);
  await redis?.quit();
  for (const tdb of databases) await tdb.drop();
});

/** Runs every scenario against `engines` verifier+notifier pairs sharing one database and queues; returns what they decided. */
async function runSetup(engines: number) {
  const tdb = await createTestDatabase();
  databases.push(tdb);
  const prefix = uniqueQueuePrefix();
  let now = 0;
  const verifyQueue = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  const common = { db: tdb.db, connection: redis, prefix, logger, notifyPolicy };
  const running = Array.from({ length: engines }, () => ({
    verifier: createVerifier({ ...common, regions, clock: () => now, tickIntervalMs: 100, concurrency: 4 }),
    notifier: createNotifier({
      ...common,
      secretBox: box,
      allowPrivateTargets: true,
      pagerDutyEventsUrl: pagerduty.eventsUrl,
    }),
  }));
  for (const r of running) {
    r.verifier.start();
    r.notifier.start();
  }
  const deps = { db: tdb.db, verifyQueue, setNow: (ms: number) => (now = ms) };
  const outcome: Record<string, unknown> = {};
  try {
    for (const scenario of scenarios) {
      const orgId = await createOrg(tdb.db);
      const monitorId = await createMonitor(tdb.db, orgId, {
        regions,
        intervalSeconds: scenario.intervalSeconds,
        retryIntervalSeconds: scenario.intervalSeconds === 5 ? 2 : 5,
      });
      const path = `/${randomUUID()}`;
      await createChannel(tdb.db, box, {
        orgId,
        monitorIds: [monitorId],
        type: 'webhook',
        config: { url: receiver.url(path) },
        secrets: { secret: 'whsec_parity_secret_0001' },
      });
      const routingKey = randomUUID();
      await createChannel(tdb.db, box, {
        orgId,
        monitorIds: [monitorId],
        type: 'pagerduty',
        secrets: { routingKey },
      });
      const m: ScriptedMonitor = { orgId, monitorId, regions, intervalMs: scenario.intervalSeconds * 1000 };
      await playSlots(deps, m, scenario.world, base, scenario.slots);
      await waitFor(async () => (await alertsOf(tdb.db, monitorId)).every((a) => a.status === 'sent'));

      const alerts = await alertsOf(tdb.db, monitorId);
      const incidents = await incidentsOf(tdb.db, monitorId);
      const state = await monitorState(tdb.db, monitorId);
      const webhookIds = receiver.at(path).map((r) => r.body.id);
      outcome[scenario.name] = {
        status: state.status,
        consumedThrough: state.consumed_through?.getTime(),
        incidents: incidents.map((i) => [
          i.status,
          i.opened_at.getTime() - base,
          i.resolved_at && i.resolved_at.getTime() - base,
          i.cause,
        ]),
        alerts: alerts
          .map((a) => {
            const payload = a.payload as { occurredAt: string; cause: string | null };
            return `${a.event}@${Date.parse(payload.occurredAt) - base} ${a.status} ${payload.cause ?? ''}`;
          })
          .sort(),
        webhook: receiver.at(path).map((r) => r.body.event),
        webhookDeliveredOncePerAlert: new Set(webhookIds).size === webhookIds.length,
        pagerduty: pagerduty.events.filter((e) => e.routing_key === routingKey).map((e) => e.event_action),
      };
    }
  } finally {
    for (const r of running) {
      await r.verifier.close();
      await r.notifier.close();
    }
    await verifyQueue.close();
  }
  return outcome;
}

describe('several verifiers at once', () => {
  it('three verifiers running together send the same alerts as one, on the same scripted outages', async () => {
    const one = await runSetup(1);
    const three = await runSetup(3);
    expect(three).toEqual(one);
    // The comparison means something only if the scenarios did alert.
    expect(one.outage).toMatchObject({
      webhook: ['monitor.down', 'monitor.up'],
      pagerduty: ['trigger', 'resolve'],
    });
    expect(one['two of three regions']).toMatchObject({
      webhook: ['monitor.down', 'monitor.up'],
      incidents: [['resolved', expect.any(Number), expect.any(Number), 'HTTP 500 from 2 of 3 regions']],
    });
    expect(one['one region alone']).toMatchObject({ webhook: [], status: 'up' });
    expect(one.blip).toMatchObject({ webhook: [] });
    expect((one.flapping as { webhook: string[] }).webhook).toContain('monitor.flapping');
  }, 60_000);
});
