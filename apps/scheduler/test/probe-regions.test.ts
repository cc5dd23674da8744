import { checkQueueName } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, DeploymentRegions } from '@sentinelmesh/platform';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../src/scheduler';
import { insertMonitor, insertOrg, manualClock } from './helpers';

const logger = createLogger('scheduler-test', 'silent');
let t: TestDatabase;
let redis: Redis;

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testRedisUrl());
});
afterAll(async () => {
  await redis?.quit();
  await t?.drop();
});

const slotsIn = async (q: Queue, monitorId: string) =>
  ((await q.getJobs(['delayed', 'waiting'])) as Job<{ checks: { spec: { id: string } }[] }>[]).flatMap(
    (job) => job.data.checks.filter((c) => c.spec.id === monitorId),
  );

describe('scheduler with the deployment region set', () => {
  it('schedules a probe region and a private location added after it started, without a restart', async () => {
    const orgId = await insertOrg(t.db);
    const monitorId = await insertMonitor(t.db, orgId, {
      intervalSeconds: 1,
      timeoutMs: 500,
      regions: ['local', 'far', 'pl-acme-abc123'],
    });
    const regions = new DeploymentRegions({ db: t.db, fixed: ['local'], logger });
    await regions.start();
    const prefix = uniqueQueuePrefix();
    const clock = manualClock(Date.now() + 1000);
    const s = new Scheduler({
      db: t.db,
      redis,
      prefix,
      regions,
      shards: 2,
      lookaheadMs: 2000,
      leaseTtlMs: 2000,
      resyncSeconds: 3600,
      logger,
      registry: new Registry(),
      clock: clock.now,
    });
    const far = new Queue(checkQueueName('far'), { connection: redis, prefix });
    const location = new Queue(checkQueueName('pl-acme-abc123'), { connection: redis, prefix });
    try {
      await s.start();
      await s.tick();
      expect(await slotsIn(far, monitorId)).toEqual([]);
      expect(await slotsIn(location, monitorId)).toEqual([]);

      await t.db.insertInto('probe_regions').values({ name: 'far', label: 'far' }).execute();
      await t.db
        .insertInto('probe_regions')
        .values({ org_id: orgId, name: 'pl-acme-abc123', label: 'Office', allow_private_targets: true })
        .execute();
      await regions.refresh();
      expect(regions.list()).toEqual(['local', 'far', 'pl-acme-abc123']);
      expect(regions.isShared('far')).toBe(true);
      expect(regions.privateLocation('pl-acme-abc123')).toEqual({ orgId, allowPrivateTargets: true });

      clock.advance(1000);
      await s.tick();
      expect((await slotsIn(far, monitorId)).length).toBeGreaterThan(0);
      expect((await slotsIn(location, monitorId)).length).toBeGreaterThan(0);
    } finally {
      await s.stop();
      await regions.close();
      await far.close();
      await location.close();
    }
  });
});
