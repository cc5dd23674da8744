import { checkQueueName, confirmationJobId } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, DeploymentRegions } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type VerifierEngine } from '../src/verifier';
import { createMonitor, createOrg, insertResult } from './fixtures';

const logger = createLogger('verifier-test', 'silent');
let tdb: TestDatabase;
let redis: Redis;
let prefix: string;
let regions: DeploymentRegions;
let engine: VerifierEngine;
let now = Date.now();
const queues: Queue[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  regions = new DeploymentRegions({ db: tdb.db, fixed: ['local'], logger });
  await regions.start();
  engine = createVerifier({
    db: tdb.db,
    connection: redis,
    prefix,
    regions,
    clock: () => now,
    logger,
    resultLatenessMs: 5_000,
  });
});

afterAll(async () => {
  await engine?.close();
  await regions?.close();
  await Promise.all(queues.map((q) => q.close()));
  await redis?.quit();
  await tdb?.drop();
});

const queue = (region: string) => {
  const q = new Queue(checkQueueName(region), { connection: redis, prefix });
  queues.push(q);
  return q;
};

describe('verifier with the deployment region set', () => {
  it('sends confirmations to a probe region added after it started, without a restart', async () => {
    const orgId = await createOrg(tdb.db);
    const base = Math.floor(Date.now() / 10_000) * 10_000 - 3_600_000;
    const slot = (k: number) => base + k * 10_000;
    const first = await createMonitor(tdb.db, orgId, { regions: ['local', 'far'] });
    const second = await createMonitor(tdb.db, orgId, { regions: ['local', 'far'] });

    // Before: `far` is no region of this deployment, so a failure asks `local` alone.
    for (const [i, monitorId] of [first, second].entries()) {
      if (i === 1) {
        await tdb.db.insertInto('probe_regions').values({ name: 'far', label: 'Far' }).execute();
        await regions.refresh();
      }
      for (const region of ['local', 'far']) {
        await insertResult(tdb.db, orgId, monitorId, { scheduledAtMs: slot(0), ok: true, region });
        await insertResult(tdb.db, orgId, monitorId, { scheduledAtMs: slot(1), ok: false, region });
      }
      now = slot(1) + 1_000;
      await engine.verify({ orgId, monitorId });
    }

    const planned = slot(1) + 5_000;
    const queued = async (monitorId: string, region: string) =>
      (await queue(region).getJob(confirmationJobId(monitorId, planned, 1, region))) !== undefined;
    expect([await queued(first, 'local'), await queued(first, 'far')]).toEqual([true, false]);
    expect([await queued(second, 'local'), await queued(second, 'far')]).toEqual([true, true]);
  });
});
