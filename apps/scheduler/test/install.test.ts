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
    let releaseLock: () => void = () => undefined;
    let locking: Promise<unknown> = Promise.resolve();
    try {
      await s.start();
      const first = s.ownedShards();
      expect(first).toHaveLength(2);

      // Reading monitors now waits behind a lock, as a slow read of a million rows would.
      const lockTaken = new Promise<void>((taken) => {
        locking = t.db.transaction().execute(async (trx) => {
          await sql`LOCK TABLE monitors IN ACCESS EXCLUSIVE MODE`.execute(trx);
          taken();
          await new Promise<void>((release) => {
            releaseLock = release;
          });
        });
      });
      await lockTaken;
      await waitFor('a load to wait on the lock', async () => {
        const { rows } = await sql<{ waiting: number }>`
          SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = 'monitors'::regclass`.execute(
          t.db,
        );
        return (rows[0]?.waiting ?? 0) > 0;
      });
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
      releaseLock();
      await locking;
      await waitFor('every shard installed', () => s.ownedShards().length === 4);
      const installed = await enqueuedCount(s);
      await waitFor('every shard planned', async () => (await enqueuedCount(s)) > installed);
    } finally {
      releaseLock();
      await locking;
      await s.stop();
    }
  });
});
