import { monitorConfigSchema, VERIFY_QUEUE, type VerifyJob } from '@sentinelmesh/core';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../scheduler/src/scheduler';
import { runCheck } from '../src/checks/index';
import { createWorkerMetrics } from '../src/metrics';
import { ResultWriter } from '../src/result-writer';
import { addPokes, type VerifyPoke } from '../src/verify-pokes';
import { userAgentFor } from '../src/version';
import { startCheckWorker } from '../src/worker';
import { startTarget, type Target, waitFor } from './helpers';

const logger = createLogger('regions-test', 'silent');
const REGIONS = ['eu', 'us'];

let t: TestDatabase;
let redis: Redis;
let verify: Queue<VerifyJob>;
let scheduler: Scheduler;
let target: Target;
const workers: Worker[] = [];
const writers: ResultWriter<VerifyPoke>[] = [];
const userAgents = new Set<string>();

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  const prefix = uniqueQueuePrefix();
  target = await startTarget();
  verify = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  for (const region of REGIONS) {
    const writer = new ResultWriter<VerifyPoke>({ db: t.db, logger, afterInsert: addPokes(verify) });
    writers.push(writer);
    workers.push(
      startCheckWorker({
        region,
        context: {
          region,
          userAgent: userAgentFor(region),
          allowPrivateTargets: true,
          now: () => new Date(),
        },
        runCheck: async (spec, ctx) => {
          userAgents.add(ctx.userAgent);
          return runCheck(spec, ctx);
        },
        writer,
        metrics: createWorkerMetrics(new Registry()),
        logger,
        connection: redis,
        prefix,
        concurrency: 5,
      }),
    );
  }
  const org = await t.db
    .insertInto('organizations')
    .values({ name: 'Regions', slug: `regions-${prefix}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { channelIds: _links, ...config } = monitorConfigSchema.parse({
    type: 'http',
    name: 'two regions',
    url: target.url('/ok'),
    intervalSeconds: 1,
    timeoutMs: 800,
    regions: REGIONS,
  });
  await insertMonitor(t.db, org.id, { config });
  scheduler = new Scheduler({
    db: t.db,
    redis,
    prefix,
    regions: REGIONS,
    shards: 2,
    lookaheadMs: 1000,
    leaseTtlMs: 5000,
    resyncSeconds: 3600,
    logger,
    registry: new Registry(),
  });
  await scheduler.start();
});

afterAll(async () => {
  await scheduler?.stop();
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all(writers.map((w) => w.close()));
  await verify?.close();
  await target?.close();
  await redis?.quit();
  await t?.drop();
});

describe('regions', () => {
  it('fans each slot out to the queue of every region, and the worker of each region writes its own result', async () => {
    const slot = await waitFor(
      'one slot checked from both regions',
      async () => {
        const rows = await t.db
          .selectFrom('check_results')
          .select(['scheduled_at', 'region', 'ok'])
          .execute();
        const bySlot = new Map<number, string[]>();
        for (const row of rows) {
          const at = row.scheduled_at.getTime();
          bySlot.set(at, [...(bySlot.get(at) ?? []), row.region]);
        }
        return [...bySlot.entries()].find(([, regions]) => regions.length === 2);
      },
      15_000,
    );
    expect(slot[1].sort()).toEqual(REGIONS);
    const rows = await t.db
      .selectFrom('check_results')
      .selectAll()
      .where('scheduled_at', '=', new Date(slot[0]))
      .execute();
    expect(rows.map((r) => ({ region: r.region, ok: r.ok }))).toEqual(
      expect.arrayContaining([
        { region: 'eu', ok: true },
        { region: 'us', ok: true },
      ]),
    );
    expect([...userAgents].sort()).toEqual([userAgentFor('eu'), userAgentFor('us')]);
  });
});
