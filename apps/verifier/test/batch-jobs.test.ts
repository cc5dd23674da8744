import {
  type LiveEvent,
  liveMessageSchema,
  orgEventsChannel,
  VERIFY_QUEUE,
  type VerifyJob,
  verifyRetryJobId,
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
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type VerifierEngine } from '../src/verifier';
import { verifyMonitors } from '../src/verify/verify-monitor';
import {
  alertsOf,
  createMonitor,
  createOrg,
  createWebhookChannel,
  incidentsOf,
  insertResult,
  monitorState,
  TEST_SECRETS_KEY,
} from './fixtures';

const logger = createLogger('verifier-test', 'silent');
const box = new SecretBox(TEST_SECRETS_KEY);
// Slots 10 s apart, well in the past, so nothing waits on real time.
const base = Math.floor(Date.now() / 10_000) * 10_000 - 3_600_000;
const slot = (k: number) => base + k * 10_000;
const clock = () => slot(40);
const REGIONS = ['local'];

let tdb: TestDatabase;
let redis: Redis;
let prefix: string;
let verifyQueue: Queue;
const engines: VerifierEngine[] = [];

function engine(options: { maxBatch?: number } = {}): VerifierEngine {
  const created = createVerifier({
    db: tdb.db,
    connection: redis,
    prefix,
    regions: REGIONS,
    clock,
    logger,
    tickIntervalMs: 60_000,
    ...options,
  });
  engines.push(created);
  return created;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  verifyQueue = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
});

afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await verifyQueue?.close();
  await redis?.quit();
  await tdb?.drop();
});

/** A monitor with a webhook channel whose results take it down: ok, failure, failed confirmation. */
async function goingDown(orgId: string): Promise<VerifyJob> {
  const monitorId = await createMonitor(tdb.db, orgId);
  await createWebhookChannel(tdb.db, box, { orgId, monitorId, url: 'http://127.0.0.1:9/', secret: 's' });
  await insertResult(tdb.db, orgId, monitorId, { scheduledAtMs: slot(0), ok: true });
  await insertResult(tdb.db, orgId, monitorId, { scheduledAtMs: slot(1), ok: false });
  await insertResult(tdb.db, orgId, monitorId, {
    scheduledAtMs: slot(1) + 5_000,
    ok: false,
    kind: 'confirmation',
    attempt: 1,
  });
  return { orgId, monitorId };
}

/** A monitor with one ok result. */
async function upOnce(orgId: string): Promise<VerifyJob> {
  const monitorId = await createMonitor(tdb.db, orgId);
  await insertResult(tdb.db, orgId, monitorId, { scheduledAtMs: slot(0), ok: true });
  return { orgId, monitorId };
}

const consumedThrough = async (monitorId: string) =>
  (await monitorState(tdb.db, monitorId)).consumed_through?.getTime() ?? null;

/** The transaction that last wrote each monitor's state row. */
async function writers(monitorIds: string[]): Promise<Set<string>> {
  const rows = await sql<{ xmin: string }>`
    SELECT xmin::text AS xmin FROM monitor_state WHERE monitor_id = ANY(${monitorIds}::uuid[])
  `.execute(tdb.db);
  return new Set(rows.rows.map((r) => r.xmin));
}

describe('verify batch jobs', () => {
  it('verifies every monitor a batch job names, in shared transactions', async () => {
    const orgId = await createOrg(tdb.db);
    const monitors = [await goingDown(orgId)];
    for (let i = 0; i < 9; i++) monitors.push(await upOnce(orgId));
    const summary = await engine({ maxBatch: 5 }).verifyBatch({ monitors }, 'shared');

    expect(summary.requeued).toEqual([]);
    expect(summary.verified.map((v) => v.verdicts)).toEqual([3, ...Array(9).fill(1)]);
    expect(summary.verified[0]?.transitions).toContain('up->down');
    for (const m of monitors.slice(1)) expect(await consumedThrough(m.monitorId)).toBe(slot(0));
    expect(await consumedThrough((monitors[0] as VerifyJob).monitorId)).toBe(slot(1) + 5_000);
    // Ten monitors, at most five per transaction: two transactions wrote all ten state rows.
    expect((await writers(monitors.map((m) => m.monitorId))).size).toBe(2);
  });

  it('queues a monitor whose verification fails again alone, and verifies the others of its job', async () => {
    const orgId = await createOrg(tdb.db);
    const good = [await upOnce(orgId), await upOnce(orgId)];
    const bad = await upOnce(orgId);
    // A real failure inside Postgres, for this one monitor only.
    await sql
      .raw(`
        CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.monitor_id = '${bad.monitorId}' THEN RAISE EXCEPTION 'refused for the test'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_one BEFORE UPDATE ON monitor_state FOR EACH ROW EXECUTE FUNCTION refuse_one();
      `)
      .execute(tdb.db);
    const verifier = engine();
    verifier.start();
    try {
      await verifyQueue.add('verify-batch', { monitors: [good[0], bad, good[1]] }, { jobId: 'with-bad' });
      const retryId = verifyRetryJobId('with-bad', bad.monitorId);
      // The batch job completes; the good monitors are verified once, the bad one queued again alone.
      await expect
        .poll(async () => (await verifyQueue.getJob('with-bad'))?.getState(), { timeout: 10_000 })
        .toBe('completed');
      for (const m of good) expect(await consumedThrough(m.monitorId)).toBe(slot(0));
      expect(await consumedThrough(bad.monitorId)).toBeNull();
      await expect
        .poll(async () => (await verifyQueue.getJob(retryId))?.attemptsMade ?? 0, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(1);
      expect((await verifyQueue.getJob(retryId))?.data).toEqual(bad);

      // Once the cause is gone, the retry (with its own backoff) verifies the monitor alone.
      await sql.raw('DROP TRIGGER refuse_one ON monitor_state').execute(tdb.db);
      await expect.poll(() => consumedThrough(bad.monitorId), { timeout: 15_000 }).toBe(slot(0));
      for (const m of good) expect(await consumedThrough(m.monitorId)).toBe(slot(0));
    } finally {
      await sql.raw('DROP TRIGGER IF EXISTS refuse_one ON monitor_state').execute(tdb.db);
      await verifier.close();
    }
  });

  it('gives exactly one transition and one alert when two verifiers hold batches with the same monitors', async () => {
    const orgId = await createOrg(tdb.db);
    const shared: VerifyJob[] = [];
    for (let i = 0; i < 6; i++) shared.push(await goingDown(orgId));
    const mineA = await goingDown(orgId);
    const mineB = await goingDown(orgId);
    const a = engine({ maxBatch: 4 });
    const b = engine({ maxBatch: 3 });
    // Opposite orders: the row locks are still taken in monitor order, so neither waits on the other in a cycle.
    const [ranA, ranB] = await Promise.all([
      a.verifyBatch({ monitors: [...shared, mineA] }, 'a'),
      b.verifyBatch({ monitors: [mineB, ...[...shared].reverse()] }, 'b'),
    ]);
    expect([...ranA.requeued, ...ranB.requeued]).toEqual([]);
    const transitions = [...ranA.verified, ...ranB.verified].flatMap((v) => v.transitions);
    expect(transitions.filter((t) => t === 'up->down')).toHaveLength(8);
    for (const m of [...shared, mineA, mineB]) {
      expect((await monitorState(tdb.db, m.monitorId)).status).toBe('down');
      expect((await incidentsOf(tdb.db, m.monitorId)).map((i) => i.status)).toEqual(['open']);
      expect((await alertsOf(tdb.db, m.monitorId)).map((al) => al.event)).toEqual(['monitor.down']);
    }
  });

  it("decides by the database's clock read after a concurrent verifier's commit, in the same statement as the load", async () => {
    const orgId = await createOrg(tdb.db);
    const m = await upOnce(orgId);
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // Another verifier holds the row, changes it, and commits a while later.
    const other = tdb.db.transaction().execute(async (trx) => {
      await sql`SELECT 1 FROM monitor_state WHERE monitor_id = ${m.monitorId} FOR UPDATE`.execute(trx);
      await sql`UPDATE monitor_state SET updated_at = clock_timestamp() WHERE monitor_id = ${m.monitorId}`.execute(
        trx,
      );
      locked();
      await sql`SELECT pg_sleep(0.3)`.execute(trx);
      const { rows } = await sql<{ at: Date }>`SELECT clock_timestamp() AS at`.execute(trx);
      return (rows[0] as { at: Date }).at.getTime();
    });
    await holding;
    const [run] = await verifyMonitors(tdb.db, [m], null, REGIONS);
    const otherDoneAt = await other;
    expect(run?.steps).toHaveLength(1);
    expect(run?.decidedAtMs).toBeGreaterThanOrEqual(otherDoneAt);
  });

  it('still verifies an old per-monitor job', async () => {
    const orgId = await createOrg(tdb.db);
    const m = await goingDown(orgId);
    const verifier = engine();
    verifier.start();
    try {
      await verifyQueue.add('verify', m, { jobId: 'old-style' });
      await expect.poll(() => consumedThrough(m.monitorId), { timeout: 10_000 }).toBe(slot(1) + 5_000);
      expect((await monitorState(tdb.db, m.monitorId)).status).toBe('down');
    } finally {
      await verifier.close();
    }
  });

  it("publishes one message per organization per batch, with that organization's events only", async () => {
    const orgA = await createOrg(tdb.db);
    const orgB = await createOrg(tdb.db);
    const a1 = await goingDown(orgA);
    const a2 = await upOnce(orgA);
    const b1 = await upOnce(orgB);
    const subscriber = redis.duplicate();
    const heard = new Map<string, string[]>();
    subscriber.on('message', (channel: string, message: string) => {
      heard.set(channel, [...(heard.get(channel) ?? []), message]);
    });
    const channelA = orgEventsChannel(prefix, orgA);
    const channelB = orgEventsChannel(prefix, orgB);
    await subscriber.subscribe(channelA, channelB);
    try {
      await engine().verifyBatch({ monitors: [a1, b1, a2] }, 'live');
      await expect.poll(() => heard.get(channelB)?.length ?? 0).toBe(1);
      await expect.poll(() => heard.get(channelA)?.length ?? 0).toBe(1);
      const eventsOf = (channel: string): LiveEvent[] =>
        liveMessageSchema.parse(JSON.parse(heard.get(channel)?.[0] ?? 'null'));
      const a = eventsOf(channelA);
      expect(new Set(a.map((e) => e.monitorId))).toEqual(new Set([a1.monitorId, a2.monitorId]));
      expect(a).toContainEqual(expect.objectContaining({ type: 'incident.opened', monitorId: a1.monitorId }));
      expect(a.filter((e) => e.type === 'monitor.checked')).toHaveLength(2);
      const b = eventsOf(channelB);
      expect(b.map((e) => e.monitorId)).toEqual(b.map(() => b1.monitorId));
      expect(b.at(-1)).toMatchObject({ type: 'monitor.checked', status: 'up' });
    } finally {
      await subscriber.quit();
    }
  });
});
