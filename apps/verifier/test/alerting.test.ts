import { randomUUID } from 'node:crypto';
import { VERIFY_QUEUE, verifyWebhookSignature } from '@sentinelmesh/core';
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
import { createNotifier, type Notifier } from '../src/notify/notifier';
import { createVerifier, type VerifierEngine } from '../src/verifier';
import {
  alertsOf,
  createChannel,
  createMonitor,
  createOrg,
  incidentsOf,
  insertResult,
  monitorState,
  TEST_SECRETS_KEY,
} from './fixtures';
import { type Receiver, startReceiver } from './receiver';
import { startPagerDutyReceiver, startSmtpReceiver } from './receivers';
import {
  deliverChecks,
  playSlots,
  type ScenarioDeps,
  type ScriptedMonitor,
  type World,
  waitFor,
} from './scenario';

const box = new SecretBox(TEST_SECRETS_KEY);
const logger = createLogger('alerting-test', 'silent');
const dashboardUrl = 'https://dash.example.com';
const notifyPolicy = { attempts: 5, backoff: { type: 'fixed' as const, delay: 50 } };
const hookSecrets: Record<string, string> = {};

let tdb: TestDatabase;
let redis: Redis;
let prefix: string;
let hooks: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let pagerduty: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
let verifyQueue: Queue;
let engine: VerifierEngine;
let notifier: Notifier;
const registry = new Registry();
let now = 0;
let deps: ScenarioDeps;

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  hooks = await startReceiver(hookSecrets);
  smtp = await startSmtpReceiver();
  pagerduty = await startPagerDutyReceiver();
  verifyQueue = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  const metrics = createVerifierMetrics(registry);
  const common = { db: tdb.db, connection: redis, prefix, logger, metrics, notifyPolicy };
  engine = createVerifier({
    ...common,
    regions: ['eu', 'us'],
    clock: () => now,
    tickIntervalMs: 100,
    resultLatenessMs: 5_000,
  });
  notifier = createNotifier({
    ...common,
    secretBox: box,
    allowPrivateTargets: true,
    dashboardUrl,
    smtp: { url: smtp.url, from: 'alerts@sentinel.test' },
    pagerDutyEventsUrl: pagerduty.eventsUrl,
  });
  engine.start();
  notifier.start();
  deps = { db: tdb.db, verifyQueue, setNow: (ms) => (now = ms) };
});

afterAll(async () => {
  await engine?.close();
  await notifier?.close();
  await verifyQueue?.close();
  await Promise.all([hooks?.close(), smtp?.close(), pagerduty?.close()]);
  await redis?.quit();
  await tdb?.drop();
});

/** A two-region monitor with one channel of every type, each pointing at a local receiver. */
async function setup(overrides: Parameters<typeof createMonitor>[2] = {}) {
  const orgId = await createOrg(tdb.db);
  const monitorId = await createMonitor(tdb.db, orgId, {
    regions: ['eu', 'us'],
    intervalSeconds: 10,
    retryIntervalSeconds: 5,
    ...overrides,
  });
  hookSecrets[`/hook/${monitorId}`] = `whsec_${randomUUID()}`;
  const monitorIds = [monitorId];
  await createChannel(tdb.db, box, {
    orgId,
    monitorIds,
    type: 'webhook',
    config: { url: hooks.url(`/hook/${monitorId}`) },
    secrets: { secret: hookSecrets[`/hook/${monitorId}`] },
  });
  await createChannel(tdb.db, box, {
    orgId,
    monitorIds,
    type: 'slack',
    secrets: { webhookUrl: hooks.url(`/slack/${monitorId}`) },
  });
  await createChannel(tdb.db, box, {
    orgId,
    monitorIds,
    type: 'email',
    config: { to: [`${monitorId}@example.com`] },
  });
  await createChannel(tdb.db, box, {
    orgId,
    monitorIds,
    type: 'pagerduty',
    secrets: { routingKey: monitorId },
  });
  const intervalMs = (overrides.intervalSeconds ?? 10) * 1000;
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  const m: ScriptedMonitor = { orgId, monitorId, regions: ['eu', 'us'], intervalMs };
  return { ...m, base, slot: (k: number) => base + k * intervalMs };
}

/** What each channel's receiver got for one monitor, as events in order. */
function received(monitorId: string) {
  const webhook = hooks.at(`/hook/${monitorId}`);
  return {
    webhook: webhook.map((r) => r.body.event),
    webhookIds: [...new Set(webhook.map((r) => r.body.id))],
    webhookSigned: webhook.every((r) =>
      verifyWebhookSignature(
        [hookSecrets[`/hook/${monitorId}`] ?? ''],
        r.rawBody,
        String(r.headers['x-sentinel-signature']),
        Math.floor(Date.now() / 1000),
      ),
    ),
    slack: hooks.at(`/slack/${monitorId}`).map((r) => (r.body as unknown as { text: string }).text),
    email: smtp.mails.filter((mail) => mail.to.includes(`${monitorId}@example.com`)),
    pagerduty: pagerduty.events.filter((e) => e.routing_key === monitorId),
  };
}

async function allDelivered(monitorId: string, count: number) {
  await waitFor(
    async () => {
      const alerts = await alertsOf(tdb.db, monitorId);
      return alerts.length === count && alerts.every((a) => a.status === 'sent');
    },
    10_000,
    `${count} alerts of ${monitorId} to be sent`,
  );
}

const always =
  (ok: boolean): World =>
  () =>
    ok;

describe('alerting end to end (verifier, notifier, local receivers of every channel type)', () => {
  it('a single failed check in every region sends no alert', async () => {
    const m = await setup();
    const world: World = (t) => t !== m.slot(3);
    await playSlots(deps, m, world, m.slot(0), 8);
    expect(await alertsOf(tdb.db, m.monitorId)).toEqual([]);
    expect(await incidentsOf(tdb.db, m.monitorId)).toEqual([]);
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('up');
  });

  it('one of two regions failing for five minutes sends no alert and is reported as a probe problem', async () => {
    const m = await setup();
    const world: World = (t, region) => region !== 'eu' || t < m.slot(2);
    await playSlots(deps, m, world, m.slot(0), 32);
    expect(await alertsOf(tdb.db, m.monitorId)).toEqual([]);
    expect(await incidentsOf(tdb.db, m.monitorId)).toEqual([]);
    const state = await monitorState(tdb.db, m.monitorId);
    expect(state.status).toBe('up');
    expect(state.machine.probeProblem).toMatchObject({ regions: ['eu'], cause: 'HTTP 500 in eu only' });
    const metric = await registry.getSingleMetricAsString('sentinel_probe_problems_total');
    expect(metric).toMatch(/sentinel_probe_problems_total\{region="eu"\} 30/);
  });

  it('a real outage sends exactly one down and one up alert on every channel, in each real format', async () => {
    const m = await setup();
    const world: World = (t) => t < m.slot(3) || t >= m.slot(12);
    await playSlots(deps, m, world, m.slot(0), 16);
    await allDelivered(m.monitorId, 8);

    const [incident] = await incidentsOf(tdb.db, m.monitorId);
    expect(incident).toMatchObject({ status: 'resolved', cause: 'HTTP 500 from 2 of 2 regions' });
    const got = received(m.monitorId);
    expect(got.webhook).toEqual(['monitor.down', 'monitor.up']);
    expect(got.webhookIds).toHaveLength(2);
    expect(got.webhookSigned).toBe(true);
    expect(got.slack).toHaveLength(2);
    expect(got.slack[0]).toContain('DOWN: Checkout API');
    expect(got.slack[0]).toContain('Cause: HTTP 500 from 2 of 2 regions');
    expect(got.slack[1]).toContain('UP: Checkout API');
    expect(got.slack[1]).toMatch(/Duration: down for 1m \d+s/);
    expect(got.email.map((mail) => mail.subject)).toEqual([
      '[SentinelMesh] DOWN: Checkout API',
      '[SentinelMesh] UP: Checkout API',
    ]);
    expect(got.email.every((mail) => mail.text.length > 0 && mail.html.includes('<h2'))).toBe(true);
    expect(got.pagerduty.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', incident?.id],
      ['resolve', incident?.id],
    ]);
  });

  it('alerts of a monitor whose URL holds credentials carry none of them, on any channel', async () => {
    // Stored as a row written before secrets were sealed: the URL with its secrets in the clear.
    const m = await setup({
      url: 'https://deploy:hunter2-pass@shop.example.com/health?token=tok-12345&page=2',
    });
    const world: World = (t) => t < m.slot(3);
    await playSlots(deps, m, world, m.slot(0), 8);
    await allDelivered(m.monitorId, 4);

    const bodies = [
      ...hooks.at(`/hook/${m.monitorId}`).map((r) => r.rawBody),
      ...hooks.at(`/slack/${m.monitorId}`).map((r) => r.rawBody),
      ...smtp.mails
        .filter((mail) => mail.to.includes(`${m.monitorId}@example.com`))
        .map((mail) => mail.text + mail.html),
      ...pagerduty.events.filter((e) => e.routing_key === m.monitorId).map((e) => JSON.stringify(e)),
    ];
    expect(bodies).toHaveLength(4);
    for (const body of bodies) {
      expect(body).not.toContain('hunter2-pass');
      expect(body).not.toContain('tok-12345');
      expect(body).not.toContain('deploy');
    }
    const [webhook] = hooks.at(`/hook/${m.monitorId}`);
    expect(webhook?.body.monitor).toHaveProperty(
      'url',
      'https://shop.example.com/health?token=********&page=2',
    );
  });

  it('a target flapping every ten seconds for a minute gives a bounded handful of notices per channel', async () => {
    const m = await setup({ intervalSeconds: 5, retryIntervalSeconds: 2 });
    const start = m.slot(2);
    // Good, then bad and good in turn every 10 s for a minute, then good for good.
    const world: World = (t) =>
      t < start || t >= start + 60_000 || Math.floor((t - start) / 10_000) % 2 === 1;
    await playSlots(deps, m, world, m.slot(0), 16);
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('flapping');
    await playSlots(deps, m, world, m.slot(16), 40);

    const alerts = await alertsOf(tdb.db, m.monitorId);
    const perChannel = new Map<string | null, string[]>();
    for (const alert of alerts)
      perChannel.set(alert.channel_id, [...(perChannel.get(alert.channel_id) ?? []), alert.event]);
    expect(perChannel.size).toBe(4);
    for (const events of perChannel.values()) {
      expect(events).toEqual([
        'monitor.down',
        'monitor.up',
        'monitor.down',
        'monitor.flapping',
        'monitor.up',
      ]);
    }
    await allDelivered(m.monitorId, 20);
    const got = received(m.monitorId);
    expect(got.webhook).toEqual([
      'monitor.down',
      'monitor.up',
      'monitor.down',
      'monitor.flapping',
      'monitor.up',
    ]);
    expect(got.email.map((mail) => mail.subject)[3]).toBe('[SentinelMesh] FLAPPING: Checkout API');
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('up');
    expect((await incidentsOf(tdb.db, m.monitorId)).every((i) => i.status === 'resolved')).toBe(true);
  });

  it('an outage inside a maintenance window sends nothing until the window ends, then one down and one up', async () => {
    const m = await setup();
    const window = await tdb.db
      .insertInto('maintenance_windows')
      .values({
        org_id: m.orgId,
        name: 'deploy',
        starts_at: new Date(m.slot(3)),
        ends_at: new Date(m.slot(12)),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tdb.db
      .insertInto('maintenance_window_monitors')
      .values({ org_id: m.orgId, window_id: window.id, monitor_id: m.monitorId })
      .execute();
    const world: World = (t) => t < m.slot(4) || t >= m.slot(16);
    await playSlots(deps, m, world, m.slot(0), 10);
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('maintenance');
    expect(await alertsOf(tdb.db, m.monitorId)).toEqual([]);
    await playSlots(deps, m, world, m.slot(10), 10);
    await allDelivered(m.monitorId, 8);

    const alerts = await alertsOf(tdb.db, m.monitorId);
    const down = alerts.filter((a) => a.event === 'monitor.down');
    expect(down).toHaveLength(4);
    const occurredAt = Date.parse(
      String((down[0]?.payload as { occurredAt?: string } | undefined)?.occurredAt),
    );
    expect(occurredAt).toBeGreaterThanOrEqual(m.slot(12));
    expect(alerts.filter((a) => a.event === 'monitor.up')).toHaveLength(4);
    expect(received(m.monitorId).webhook).toEqual(['monitor.down', 'monitor.up']);
  });

  it('an outage during an occurrence of a recurring window sends nothing; the same outage outside one alerts', async () => {
    const m = await setup();
    // Every hour at the minute of slot 0, for one minute: slots 0-5 are inside an occurrence.
    const window = await tdb.db
      .insertInto('maintenance_windows')
      .values({
        org_id: m.orgId,
        name: 'hourly restart',
        starts_at: new Date(m.base - 86_400_000),
        ends_at: new Date(Date.UTC(9999, 11, 31)),
        recurrence_rule: `FREQ=HOURLY;BYMINUTE=${new Date(m.base).getUTCMinutes()}`,
        recurrence_time_zone: 'UTC',
        recurrence_duration_minutes: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tdb.db
      .insertInto('maintenance_window_monitors')
      .values({ org_id: m.orgId, window_id: window.id, monitor_id: m.monitorId })
      .execute();
    const world: World = (t) => !((t >= m.slot(1) && t < m.slot(5)) || (t >= m.slot(8) && t < m.slot(12)));
    await playSlots(deps, m, world, m.slot(0), 6);
    expect(await alertsOf(tdb.db, m.monitorId)).toEqual([]);
    await playSlots(deps, m, world, m.slot(6), 10);
    await allDelivered(m.monitorId, 8);
    const alerts = await alertsOf(tdb.db, m.monitorId);
    const down = alerts.filter((a) => a.event === 'monitor.down');
    expect(down).toHaveLength(4);
    const occurredAt = Date.parse(
      String((down[0]?.payload as { occurredAt?: string } | undefined)?.occurredAt),
    );
    expect(occurredAt).toBeGreaterThanOrEqual(m.slot(8));
    expect(received(m.monitorId).webhook).toEqual(['monitor.down', 'monitor.up']);
  }, 40_000);

  it('a monitor failing in every region from its first check goes down once, with no alert before the confirmation', async () => {
    const m = await setup();
    await deliverChecks(deps, m, always(false), m.slot(0), 'scheduled', 0);
    expect(await alertsOf(tdb.db, m.monitorId)).toEqual([]);
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('pending');
    await deliverChecks(deps, m, always(false), m.slot(0) + 5_000, 'confirmation', 1);
    await playSlots(deps, m, always(false), m.slot(1), 3);
    await allDelivered(m.monitorId, 4);
    expect(received(m.monitorId).webhook).toEqual(['monitor.down']);
  });

  it('a slot missing a region waits for it, and the periodic tick consumes it as inconclusive once overdue', async () => {
    const m = await setup();
    await playSlots(deps, m, always(true), m.slot(0), 1);
    now = m.slot(1) + 300;
    await insertResult(tdb.db, m.orgId, m.monitorId, { scheduledAtMs: m.slot(1), ok: true, region: 'us' });
    await verifyQueue.add(
      'verify',
      { orgId: m.orgId, monitorId: m.monitorId },
      { jobId: `late-${m.monitorId}` },
    );
    await waitFor(async () => (await monitorState(tdb.db, m.monitorId)).machine.wakeAtMs !== null);
    const held = await monitorState(tdb.db, m.monitorId);
    expect(held.consumed_through?.getTime()).toBe(m.slot(0));
    // Deadline: the slot + timeoutMs (2 s) + 5 s allowed lateness. No result pokes the verifier after it.
    expect(held.machine.wakeAtMs).toBe(m.slot(1) + 7_000);
    now = m.slot(1) + 7_001;
    await waitFor(
      async () => (await monitorState(tdb.db, m.monitorId)).consumed_through?.getTime() === m.slot(1),
      5_000,
      'the tick to move past the incomplete slot',
    );
    expect((await monitorState(tdb.db, m.monitorId)).machine.wakeAtMs).toBeNull();
  });
});
