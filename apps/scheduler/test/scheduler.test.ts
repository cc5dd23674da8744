import {
  CHECK_BATCH_JOB,
  type CheckBatchEntry,
  type CheckBatchJob,
  checkBatchJobId,
  checkQueueName,
  monitorChangesChannel,
  SECRET_MASK,
  shardLeaseKey,
  shardOf,
  slotAtOrBefore,
  slotsBetween,
} from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler, type SchedulerOptions } from '../src/scheduler';
import { SerializedQueue } from '../src/serialized-queue';
import { planShardJobs, submitShardJobs } from '../src/shard-jobs';
import { newShardState } from '../src/shard-state';
import { readWatermark, watermarkKey } from '../src/watermarks';
import {
  insertMonitor,
  insertOrg,
  manualClock,
  scheduledTcpMonitor,
  updateMonitor,
  waitFor,
} from './helpers';

const LOOKAHEAD_MS = 3000;
const logger = createLogger('scheduler-test', 'silent');

let t: TestDatabase;
let redis: Redis;
let orgId: string;
const open: Array<{ stop: () => Promise<void> }> = [];
const queues: Queue[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  orgId = await insertOrg(t.db);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.stop()));
  await Promise.all(queues.splice(0).map((q) => q.close()));
  await t.db.deleteFrom('monitors').execute();
});

afterAll(async () => {
  await redis?.quit();
  await t?.drop();
});

function scheduler(prefix: string, overrides: Partial<SchedulerOptions> = {}): Scheduler {
  const instance = new Scheduler({
    db: t.db,
    redis,
    prefix,
    regions: ['local', 'eu'],
    shards: 4,
    lookaheadMs: LOOKAHEAD_MS,
    leaseTtlMs: 2000,
    resyncSeconds: 3600,
    logger,
    registry: new Registry(),
    ...overrides,
  });
  open.push(instance);
  return instance;
}

function queue(prefix: string, region: string): Queue {
  const q = new Queue(checkQueueName(region), { connection: redis, prefix });
  queues.push(q);
  return q;
}

/** A slot queued for a check, with the batch job that carries it. */
interface QueuedCheck {
  job: Job<CheckBatchJob>;
  data: CheckBatchEntry & Pick<CheckBatchJob, 'region' | 'kind'>;
}

async function batchesOf(q: Queue): Promise<Job<CheckBatchJob>[]> {
  return (await q.getJobs(['delayed', 'waiting', 'prioritized', 'active'])) as Job<CheckBatchJob>[];
}

/** Every queued slot (of one monitor), in planned order. */
async function jobsOf(q: Queue, monitorId?: string): Promise<QueuedCheck[]> {
  return (await batchesOf(q))
    .flatMap((job) =>
      job.data.checks.map((entry) => ({
        job,
        data: { ...entry, region: job.data.region, kind: job.data.kind },
      })),
    )
    .filter((check) => !monitorId || check.data.spec.id === monitorId)
    .sort((a, b) => a.data.scheduledAtMs - b.data.scheduledAtMs);
}

async function enqueuedCount(instance: Scheduler): Promise<number> {
  const metric = await instance.metrics.jobsEnqueued.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

/** Every slot of a monitor between its first and last job is there exactly once: no gap, no duplicate. */
function expectContiguous(jobs: QueuedCheck[], monitorId: string, intervalSeconds: number) {
  const slots = jobs.map((job) => job.data.scheduledAtMs);
  const first = slots[0] as number;
  const last = slots[slots.length - 1] as number;
  expect(slots).toEqual(slotsBetween(monitorId, intervalSeconds, first, last + 1));
}

describe('scheduler', () => {
  it('enqueues every slot of a 2 s monitor once per deployed region, delayed until the slot', async () => {
    const prefix = uniqueQueuePrefix();
    const monitorId = await insertMonitor(t.db, orgId, {
      intervalSeconds: 2,
      regions: ['local', 'eu', 'us'],
    });
    const clock = manualClock(Date.now() + 1000);
    const t0 = clock.now();
    const s = scheduler(prefix, { clock: clock.now });
    await s.start();
    expect(s.ownedShards()).toEqual([0, 1, 2, 3]);
    await s.tick();
    const t1 = clock.advance(5000);
    await s.tick();

    const { updated_at } = await t.db
      .selectFrom('monitors')
      .select('updated_at')
      .where('id', '=', monitorId)
      .executeTakeFirstOrThrow();
    for (const region of ['local', 'eu']) {
      const jobs = await jobsOf(queue(prefix, region), monitorId);
      const expected = slotsBetween(monitorId, 2, t0 + 1, t1 + LOOKAHEAD_MS + 1);
      expect(jobs.map((job) => job.data.scheduledAtMs)).toEqual(expected);
      for (const { job, data } of jobs) {
        const enqueuedAt = data.scheduledAtMs <= t0 + LOOKAHEAD_MS ? t0 : t1;
        // The batch is delayed until its earliest slot; this slot waits in it for its own time.
        const earliest = Math.min(...job.data.checks.map((c) => c.scheduledAtMs));
        expect(job.name).toBe(CHECK_BATCH_JOB);
        expect(job.opts.delay).toBe(Math.max(0, earliest - enqueuedAt));
        expect(job.opts.attempts).toBe(3);
        expect(job.data).toMatchObject({ region, kind: 'scheduled', shard: shardOf(monitorId, 4) });
        expect(data.configVersion).toBe(updated_at.getTime());
        expect(data.spec).toMatchObject({ id: monitorId, orgId, type: 'http', intervalSeconds: 2 });
      }
    }
    expect(await queue(prefix, 'us').count()).toBe(0);
  });

  it('enqueues per tick, shard and region one job holding every slot due in the tick’s window', async () => {
    const prefix = uniqueQueuePrefix();
    const monitors = await Promise.all(
      Array.from({ length: 12 }, () =>
        insertMonitor(t.db, orgId, { intervalSeconds: 1, timeoutMs: 500, regions: ['local', 'eu'] }),
      ),
    );
    const clock = manualClock(Date.now() + 1000);
    const s = scheduler(prefix, { clock: clock.now });
    await s.start();
    await s.tick();
    const from = clock.now() + LOOKAHEAD_MS;
    const until = clock.advance(1000) + LOOKAHEAD_MS;
    await s.tick();
    for (const region of ['local', 'eu']) {
      const batches = (await batchesOf(queue(prefix, region))).filter((job) =>
        job.data.checks.some((c) => c.scheduledAtMs > from),
      );
      const shards = [...new Set(monitors.map((id) => shardOf(id, 4)))].sort();
      expect(batches.map((job) => job.id).sort()).toEqual(
        shards.map((shard) => checkBatchJobId(shard, region, from, until, 0)).sort(),
      );
      for (const job of batches) {
        const mine = monitors.filter((id) => shardOf(id, 4) === job.data.shard);
        // Each 1 s monitor of the shard has exactly one slot in the 1 s window, all in this job.
        expect(job.data.checks.map((c) => c.spec.id).sort()).toEqual(mine.sort());
        for (const c of job.data.checks) {
          expect(c.scheduledAtMs).toBe(slotsBetween(c.spec.id, 1, from + 1, until + 1)[0]);
        }
      }
    }
    const batches = await s.metrics.batchesEnqueued.get();
    expect(batches.values.reduce((sum, v) => sum + v.value, 0)).toBe(
      (await batchesOf(queue(prefix, 'local'))).length + (await batchesOf(queue(prefix, 'eu'))).length,
    );
  });

  it('puts no monitor secret in the check jobs it writes to Redis, only masks and their version', async () => {
    const prefix = uniqueQueuePrefix();
    // A row as stored before secrets were sealed: the worst case, every secret still in the config.
    const monitorId = await insertMonitor(t.db, orgId, {
      url: 'http://deploy:pw-in-url-1@127.0.0.1:9/health?api_key=key-in-query-2',
      headers: {
        Authorization: 'Bearer header-secret-3',
        Cookie: 'sid=cookie-secret-4',
        accept: 'text/plain',
      },
    });
    const s = scheduler(prefix);
    await s.start();
    await s.tick();
    const local = queue(prefix, 'local');
    const jobs = await jobsOf(local, monitorId);
    expect(jobs.length).toBeGreaterThan(0);
    for (const { job, data } of jobs) {
      // The job's hash as Redis holds it, not BullMQ's parsed copy.
      const stored = await redis.hget(local.toKey(job.id ?? ''), 'data');
      for (const secret of ['pw-in-url-1', 'key-in-query-2', 'header-secret-3', 'cookie-secret-4']) {
        expect(stored).not.toContain(secret);
      }
      expect(data.spec).toMatchObject({
        url: `http://deploy:${SECRET_MASK}@127.0.0.1:9/health?api_key=${SECRET_MASK}`,
        headers: { Authorization: SECRET_MASK, Cookie: SECRET_MASK, accept: 'text/plain' },
        secretsVersion: expect.any(Number),
      });
    }
  });

  it('does not schedule paused monitors', async () => {
    const prefix = uniqueQueuePrefix();
    const paused = await insertMonitor(t.db, orgId, { paused: true });
    const active = await insertMonitor(t.db, orgId);
    const s = scheduler(prefix);
    await s.start();
    await s.tick();
    expect(s.isScheduling(active)).toBe(true);
    expect(s.isScheduling(paused)).toBe(false);
    expect(await jobsOf(queue(prefix, 'local'), active)).not.toHaveLength(0);
    expect(await jobsOf(queue(prefix, 'local'), paused)).toHaveLength(0);
  });

  it('shares the shards between two instances and never enqueues the same slot twice', async () => {
    const prefix = uniqueQueuePrefix();
    const monitors = await Promise.all(
      Array.from({ length: 12 }, () => insertMonitor(t.db, orgId, { intervalSeconds: 1, timeoutMs: 500 })),
    );
    const fast = { shards: 8, leaseTtlMs: 1500, rebalanceMs: 100, tickMs: 50, lookaheadMs: 1000 };
    const a = scheduler(prefix, fast);
    await a.start();
    expect(a.ownedShards()).toHaveLength(8);
    const b = scheduler(prefix, fast);
    await b.start();
    await waitFor('a fair split', () => a.ownedShards().length === 4 && b.ownedShards().length === 4);
    expect(new Set([...a.ownedShards(), ...b.ownedShards()]).size).toBe(8);
    const splitAt = await enqueuedCount(b);
    await waitFor('b to enqueue', async () => (await enqueuedCount(b)) > splitAt);

    await a.stop();
    await waitFor('b to take every shard', () => b.ownedShards().length === 8);
    const takeoverAt = await enqueuedCount(b);
    await waitFor('b to enqueue after the takeover', async () => (await enqueuedCount(b)) > takeoverAt);
    await b.stop();

    const jobs = await jobsOf(queue(prefix, 'local'));
    expect(new Set(jobs.map(({ data }) => `${data.spec.id}@${data.scheduledAtMs}`)).size).toBe(jobs.length);
    expect((await enqueuedCount(a)) + (await enqueuedCount(b))).toBe(jobs.length);
    for (const monitorId of monitors) {
      expectContiguous(
        jobs.filter((job) => job.data.spec.id === monitorId),
        monitorId,
        1,
      );
    }
  });

  it('takes over the shards of an instance that stopped renewing once its leases expire', async () => {
    const prefix = uniqueQueuePrefix();
    // A crashed instance: still counted alive and holding shard 0 until its entries expire.
    await redis.set(shardLeaseKey(prefix, 0), 'crashed-token', 'PX', 1000);
    await redis.zadd(`${prefix}:schedulers`, Date.now() + 1000, 'crashed-instance');
    const s = scheduler(prefix, { rebalanceMs: 100 });
    await s.start();
    expect(s.ownedShards()).toEqual(expect.not.arrayContaining([0]));
    expect(s.ownedShards()).toHaveLength(2);
    await waitFor('every shard', () => s.ownedShards().length === 4);
    expect(await redis.get(shardLeaseKey(prefix, 0))).not.toBe('crashed-token');
  });

  it('restarted under its stable name, takes back at once the shards its previous life held, and only those', async () => {
    const prefix = uniqueQueuePrefix();
    // A killed scheduler named sched-a held shard 0; another live scheduler holds shard 1.
    await redis.set(shardLeaseKey(prefix, 0), 'sched-a/previous-life', 'PX', 60_000);
    await redis.set(shardLeaseKey(prefix, 1), 'sched-b/its-token', 'PX', 60_000);
    const s = scheduler(prefix, { instanceId: 'sched-a', rebalanceMs: 60_000 });
    await s.start();
    expect(s.ownedShards()).toEqual([0, 2, 3]);
    expect(await redis.get(shardLeaseKey(prefix, 0))).toMatch(/^sched-a\//);
    expect(await redis.get(shardLeaseKey(prefix, 0))).not.toBe('sched-a/previous-life');
    expect(await redis.get(shardLeaseKey(prefix, 1))).toBe('sched-b/its-token');
  });

  it('resumes from the watermark after a restart, with no duplicate and no gap', async () => {
    const prefix = uniqueQueuePrefix();
    const monitorId = await insertMonitor(t.db, orgId, { intervalSeconds: 2, regions: ['local'] });
    const clock = manualClock(Date.now() + 1000);
    const first = scheduler(prefix, { clock: clock.now });
    await first.start();
    await first.tick();
    clock.advance(1500);
    await first.tick();
    await first.stop();

    clock.advance(2500);
    const second = scheduler(prefix, { clock: clock.now });
    await second.start();
    await second.tick();
    const end = clock.advance(4000);
    await second.tick();

    const jobs = await jobsOf(queue(prefix, 'local'), monitorId);
    expect((await enqueuedCount(first)) + (await enqueuedCount(second))).toBe(jobs.length);
    expectContiguous(jobs, monitorId, 2);
    expect(jobs.at(-1)?.data.scheduledAtMs).toBe(slotAtOrBefore(monitorId, 2, end + LOOKAHEAD_MS));
    expect(await second.metrics.missedSlots.get()).toMatchObject({ values: [{ value: 0 }] });
  });

  it('plans again the slots a restarted Redis lost with its last writes, jobs and watermark alike', async () => {
    const prefix = uniqueQueuePrefix();
    const monitorId = await insertMonitor(t.db, orgId, {
      intervalSeconds: 1,
      timeoutMs: 500,
      regions: ['local'],
    });
    const clock = manualClock(Date.now() + 1000);
    const s = scheduler(prefix, { clock: clock.now });
    await s.start();
    await s.tick();
    const key = watermarkKey(prefix, shardOf(monitorId, 4));
    const before = await redis.get(key);
    clock.advance(2000);
    await s.tick();
    // What an append-only file one second behind gives back: the second tick's writes are gone.
    const q = queue(prefix, 'local');
    // Windows never overlap: a batch with a slot after the first watermark is the second tick's.
    for (const job of await batchesOf(q)) {
      if (job.data.checks.some((c) => c.scheduledAtMs > Number(before))) await job.remove();
    }
    await redis.set(key, before as string);

    clock.advance(500);
    await s.tick();
    await s.tick();
    const jobs = await jobsOf(q, monitorId);
    expectContiguous(jobs, monitorId, 1);
    expect(jobs.at(-1)?.data.scheduledAtMs).toBe(slotAtOrBefore(monitorId, 1, clock.now() + LOOKAHEAD_MS));
    expect(Number(await redis.get(key))).toBe(clock.now() + LOOKAHEAD_MS);
  });

  it('after a long stop runs the passed slots of the last lease time + 5 s and counts older ones as missed', async () => {
    const prefix = uniqueQueuePrefix();
    const monitorId = await insertMonitor(t.db, orgId, { intervalSeconds: 2, regions: ['local'] });
    const clock = manualClock(Date.now() + 1000);
    const first = scheduler(prefix, { clock: clock.now });
    await first.start();
    await first.tick();
    await first.stop();
    const watermark = Number(await redis.get(watermarkKey(prefix, shardOf(monitorId, 4))));
    expect(watermark).toBe(clock.now() + LOOKAHEAD_MS);

    const now = clock.advance(60_000);
    const second = scheduler(prefix, { clock: clock.now });
    await second.start();
    await second.tick();

    const late = (await jobsOf(queue(prefix, 'local'), monitorId)).filter(
      (job) => job.data.scheduledAtMs > now - 60_000 + LOOKAHEAD_MS,
    );
    const caughtUp = late.filter((job) => job.data.scheduledAtMs <= now);
    // The lease time here is 2 s, so the window is max(2 intervals, 2 s + 5 s) = 7 s.
    const windowStart = now - 7000;
    expect(caughtUp.map((job) => job.data.scheduledAtMs)).toEqual(
      slotsBetween(monitorId, 2, windowStart, now + 1),
    );
    for (const { job } of caughtUp) expect(job.opts.delay).toBe(0);
    const missed = (await second.metrics.missedSlots.get()).values[0]?.value;
    expect(missed).toBe(slotsBetween(monitorId, 2, watermark + 1, windowStart).length);
  });

  it('adds, reloads and removes monitors as change messages announce them', async () => {
    const prefix = uniqueQueuePrefix();
    const clock = manualClock(Date.now() + 1000);
    const s = scheduler(prefix, { clock: clock.now });
    await s.start();
    const publish = (op: 'upsert' | 'delete', monitorId: string) =>
      redis.publish(monitorChangesChannel(prefix), JSON.stringify({ op, orgId, monitorId }));

    const monitorId = await insertMonitor(t.db, orgId, { intervalSeconds: 2 });
    const other = await insertMonitor(t.db, orgId, { intervalSeconds: 2 });
    await redis.publish(monitorChangesChannel(prefix), 'not json');
    const announcedAt = clock.advance(700);
    await publish('upsert', monitorId);
    await publish('upsert', other);
    await waitFor('the new monitors', () => s.isScheduling(monitorId) && s.isScheduling(other));
    await s.tick();
    const jobs = await jobsOf(queue(prefix, 'local'), monitorId);
    expect(jobs.map((job) => job.data.scheduledAtMs)).toEqual(
      slotsBetween(monitorId, 2, announcedAt + 1, announcedAt + LOOKAHEAD_MS + 1),
    );

    await updateMonitor(t.db, monitorId, { intervalSeconds: 2, paused: true });
    await publish('upsert', monitorId);
    await publish('delete', other);
    await waitFor(
      'the paused and deleted monitors to go',
      () => !s.isScheduling(monitorId) && !s.isScheduling(other),
    );
    const before = (await jobsOf(queue(prefix, 'local'))).length;
    clock.advance(10_000);
    await s.tick();
    expect(await jobsOf(queue(prefix, 'local'))).toHaveLength(before);
  });

  it('finds a monitor whose announcement was lost at the next resync', async () => {
    const prefix = uniqueQueuePrefix();
    const s = scheduler(prefix);
    await s.start();
    const monitorId = await insertMonitor(t.db, orgId);
    expect(s.isScheduling(monitorId)).toBe(false);
    await s.resync();
    expect(s.isScheduling(monitorId)).toBe(true);
  });

  it('catches up at a resync with a change, a pause and a deletion whose announcements were lost', async () => {
    const prefix = uniqueQueuePrefix();
    const changed = await insertMonitor(t.db, orgId, { url: 'http://127.0.0.1:9/before' });
    const paused = await insertMonitor(t.db, orgId);
    const deleted = await insertMonitor(t.db, orgId);
    const s = scheduler(prefix);
    await s.start();
    for (const id of [changed, paused, deleted]) expect(s.isScheduling(id)).toBe(true);

    await updateMonitor(t.db, changed, { url: 'http://127.0.0.1:9/after' });
    await updateMonitor(t.db, paused, { paused: true });
    await t.db.deleteFrom('monitors').where('id', '=', deleted).execute();
    await s.resync();

    expect(s.isScheduling(changed)).toBe(true);
    expect(s.isScheduling(paused)).toBe(false);
    expect(s.isScheduling(deleted)).toBe(false);
    const q = queue(prefix, 'local');
    await waitFor('a check of the changed monitor with its new URL', async () =>
      (await jobsOf(q, changed)).some(
        ({ data: { spec } }) => spec.type === 'http' && spec.url === 'http://127.0.0.1:9/after',
      ),
    );
  });
});

describe('shard watermarks', () => {
  it('live beside their lease in one hash slot, and are read from the key of earlier releases once', async () => {
    const prefix = uniqueQueuePrefix();
    expect(watermarkKey(prefix, 3)).toBe(`{${prefix}:shard:3}:watermark`);
    expect(shardLeaseKey(prefix, 3)).toBe(`{${prefix}:shard:3}:lease`);
    expect(await readWatermark(redis, prefix, 3)).toBeNull();
    await redis.set(`${prefix}:watermark:shard:3`, '1700000000000');
    expect(await readWatermark(redis, prefix, 3)).toBe(1_700_000_000_000);
    await redis.set(watermarkKey(prefix, 3), '1700000005000');
    expect(await readWatermark(redis, prefix, 3)).toBe(1_700_000_005_000);
  });
});

describe('submitting a shard’s jobs', () => {
  it('counts each job’s delay from its submission, so the time its tick spent before does not make it late', async () => {
    const prefix = uniqueQueuePrefix();
    const nowMs = Date.now();
    const monitors = Array.from({ length: 20 }, (_, i) => scheduledTcpMonitor(`m-${i}`, 0, orgId, 1));
    const plan = planShardJobs(newShardState(0, nowMs, monitors, nowMs), {
      nowMs,
      untilMs: nowMs + LOOKAHEAD_MS,
      regions: new Set(['local']),
      catchUpIntervals: 2,
    });
    // This shard's turn comes 400 ms into the tick, after the planning and round trips of others.
    const submittedAt = nowMs + 400;
    const serialized = new SerializedQueue(checkQueueName('local'), { connection: redis, prefix });
    queues.push(serialized);
    await submitShardJobs(
      plan,
      () => serialized,
      () => undefined,
      () => submittedAt,
    );

    const jobs = await batchesOf(queue(prefix, 'local'));
    expect(jobs).toHaveLength(plan.jobsByRegion.get('local')?.length ?? -1);
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    for (const job of jobs) {
      const earliest = Math.min(...job.data.checks.map((check) => check.scheduledAtMs));
      // BullMQ makes it available `delay` after it is added: at its earliest slot.
      expect(job.opts.delay).toBe(Math.max(0, earliest - submittedAt));
    }
  });
});
