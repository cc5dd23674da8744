import { shardLeaseKey } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../src/scheduler';
import { insertMonitor, insertOrg, waitFor } from './helpers';

const logger = createLogger('scheduler-test', 'silent');
const LEASE_TTL_MS = 1500;

let t: TestDatabase;
let redis: Redis;
let orgId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  orgId = await insertOrg(t.db);
});

afterAll(async () => {
  await redis?.quit();
  await t?.drop();
});

async function enqueuedCount(instance: Scheduler): Promise<number> {
  const metric = await instance.metrics.jobsEnqueued.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

/** Holds an exclusive lock on the monitors table, so reading monitors waits, as a slow read of a million rows would. */
async function lockMonitors(): Promise<{ release: () => void; done: Promise<unknown> }> {
  let release: () => void = () => undefined;
  let taken: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    taken = resolve;
  });
  const done = t.db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE monitors IN ACCESS EXCLUSIVE MODE`.execute(trx);
    taken();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  await held;
  return { release: () => release(), done };
}

/** Waits until a read of the monitors table waits on that lock. */
function waitForBlockedRead(): Promise<boolean> {
  return waitFor('a load to wait on the lock', async () => {
    const { rows } = await sql<{ waiting: number }>`
      SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = 'monitors'::regclass`.execute(
      t.db,
    );
    return (rows[0]?.waiting ?? 0) > 0;
  });
}

describe('installing newly leased shards', () => {
  it('keeps ticking its shards and renewing every lease while the new ones load, however long that takes', async () => {
    await Promise.all(
      Array.from({ length: 16 }, () => insertMonitor(t.db, orgId, { intervalSeconds: 1, timeoutMs: 500 })),
    );
    const prefix = uniqueQueuePrefix();
    // A crashed instance still counted alive: this one starts with half the shards, and takes the
    // rest once the crashed one's heartbeat and lease expire.
    await redis.set(shardLeaseKey(prefix, 0), 'crashed-token', 'PX', 2000);
    await redis.zadd(`${prefix}:schedulers`, Date.now() + 2000, 'crashed-instance');
    const s = new Scheduler({
      db: t.db,
      redis,
      prefix,
      regions: ['local'],
      shards: 4,
      lookaheadMs: 1000,
      leaseTtlMs: LEASE_TTL_MS,
      resyncSeconds: 3600,
      rebalanceMs: 100,
      tickMs: 50,
      logger,
      registry: new Registry(),
    });
    let lock: { release: () => void; done: Promise<unknown> } | null = null;
    try {
      await s.start();
      const first = s.ownedShards();
      expect(first).toHaveLength(2);
      lock = await lockMonitors();
      await waitForBlockedRead();
      const loadingSince = Date.now();
      const before = await enqueuedCount(s);
      // Twice the lease time into the load: the first shards kept being planned meanwhile.
      await waitFor(
        'ticks during the load, for longer than a lease lasts',
        async () => Date.now() - loadingSince > 2 * LEASE_TTL_MS && (await enqueuedCount(s)) > before,
        10_000,
      );
      for (let shard = 0; shard < 4; shard++) {
        // Every lease, of the shards loading too, is still this instance's.
        expect(await redis.get(shardLeaseKey(prefix, shard))).toMatch(new RegExp(`^${s.instanceId}/`));
      }
      expect(s.ownedShards()).toEqual(first);
      lock.release();
      await lock.done;
      await waitFor('every shard installed', () => s.ownedShards().length === 4);
      const installed = await enqueuedCount(s);
      await waitFor('every shard planned', async () => (await enqueuedCount(s)) > installed);
    } finally {
      lock?.release();
      await lock?.done;
      await s.stop();
    }
  });

  it('renews the leases of the shards it starts with while their first load takes longer than a lease', async () => {
    await insertMonitor(t.db, orgId, { intervalSeconds: 1, timeoutMs: 500 });
    const prefix = uniqueQueuePrefix();
    const s = new Scheduler({
      db: t.db,
      redis,
      prefix,
      regions: ['local'],
      shards: 2,
      lookaheadMs: 1000,
      leaseTtlMs: LEASE_TTL_MS,
      resyncSeconds: 3600,
      rebalanceMs: 100,
      tickMs: 50,
      logger,
      registry: new Registry(),
    });
    const lock = await lockMonitors();
    let starting: Promise<void> = Promise.resolve();
    try {
      starting = s.start();
      await waitForBlockedRead();
      const loadingSince = Date.now();
      await waitFor(
        'twice the lease time into the load',
        () => Date.now() - loadingSince > 2 * LEASE_TTL_MS,
        10_000,
      );
      for (const shard of [0, 1]) {
        expect(await redis.get(shardLeaseKey(prefix, shard))).toMatch(new RegExp(`^${s.instanceId}/`));
      }
      lock.release();
      await starting;
      expect(s.ownedShards()).toEqual([0, 1]);
      await waitFor('the first shards planned', async () => (await enqueuedCount(s)) > 0);
    } finally {
      lock.release();
      await lock.done;
      await starting.catch(() => undefined);
      await s.stop();
    }
  });

  it('stopped while its first shards load, installs none and hands every lease back', async () => {
    await insertMonitor(t.db, orgId, { intervalSeconds: 1, timeoutMs: 500 });
    const prefix = uniqueQueuePrefix();
    const s = new Scheduler({
      db: t.db,
      redis,
      prefix,
      regions: ['local'],
      shards: 2,
      lookaheadMs: 1000,
      leaseTtlMs: LEASE_TTL_MS,
      resyncSeconds: 3600,
      rebalanceMs: 100,
      tickMs: 50,
      logger,
      registry: new Registry(),
    });
    const lock = await lockMonitors();
    let starting: Promise<void> = Promise.resolve();
    try {
      starting = s.start();
      await waitForBlockedRead();
      const stopping = s.stop();
      lock.release();
      await Promise.all([starting, stopping]);
      expect(s.ownedShards()).toEqual([]);
      for (const shard of [0, 1]) expect(await redis.get(shardLeaseKey(prefix, shard))).toBeNull();
      expect(await enqueuedCount(s)).toBe(0);
    } finally {
      lock.release();
      await lock.done;
      await starting.catch(() => undefined);
      await s.stop();
    }
  });
});
