import { type CheckJob, checkQueueName, jobPolicies, monitorChangesChannel } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, listenForMonitorChanges } from '@sentinelmesh/platform';
import { type Job, Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics';
import { createMonitorVersions, type MonitorVersions } from '../src/monitor-versions';
import { ResultWriter } from '../src/result-writer';
import type { VerifyPoke } from '../src/verify-pokes';
import { startCheckWorker } from '../src/worker';
import { context, httpSpec, startTarget, type Target, waitFor } from './helpers';

const logger = createLogger('skipped-jobs-test', 'silent');
const REGION = 'local';

let t: TestDatabase;
let redis: Redis;
let prefix: string;
let checks: Queue<CheckJob>;
let worker: Worker;
let writer: ResultWriter<VerifyPoke>;
let metrics: WorkerMetrics;
let versions: MonitorVersions;
let listener: { close: () => Promise<void> };
let target: Target;
let orgId: string;
/** Monitor reads made by the worker's cache. */
let monitorReads = 0;
let announced = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  target = await startTarget();
  const org = await t.db
    .insertInto('organizations')
    .values({ name: 'Acme', slug: `acme-${prefix}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgId = org.id;
  const counted: Db = t.db.withPlugin({
    transformQuery: (args) => {
      if (args.node.kind === 'SelectQueryNode') monitorReads += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  versions = createMonitorVersions({ db: counted, logger });
  listener = await listenForMonitorChanges({
    redis,
    prefix,
    logger,
    onChange: (change) => {
      versions.forget(change.monitorId);
      announced += 1;
    },
  });
  checks = new Queue(checkQueueName(REGION), { connection: redis, prefix });
  metrics = createWorkerMetrics(new Registry());
  writer = new ResultWriter<VerifyPoke>({ db: t.db, logger, afterInsert: async () => {} });
  worker = startCheckWorker({
    region: REGION,
    context,
    runCheck,
    writer,
    metrics,
    logger,
    versions,
    connection: redis,
    prefix,
    concurrency: 10,
  });
});

afterAll(async () => {
  await worker?.close();
  await writer?.close();
  await listener?.close();
  versions?.close();
  await checks?.close();
  await target?.close();
  await redis?.quit();
  await t?.drop();
});

interface TestMonitor {
  id: string;
  version: number;
}

async function createMonitor(): Promise<TestMonitor> {
  const updatedAt = new Date();
  const id = await insertMonitor(t.db, orgId, { config: { name: 'x', url: target.url('/') }, updatedAt });
  return { id, version: updatedAt.getTime() };
}

/** Changes the monitor's stored config the way the API does (a new `updated_at`), returns the new version. */
async function change(m: TestMonitor, patch: Record<string, unknown>): Promise<number> {
  const row = await t.db
    .updateTable('monitors')
    .set({
      config: sql`config || ${JSON.stringify(patch)}::jsonb`,
      updated_at: sql<Date>`clock_timestamp()`,
    })
    .where('id', '=', m.id)
    .returning('updated_at')
    .executeTakeFirstOrThrow();
  return row.updated_at.getTime();
}

/** Announces a change as the API does, and waits until the worker has heard it. */
async function announce(op: 'upsert' | 'delete', monitorId: string): Promise<void> {
  const before = announced;
  await redis.publish(monitorChangesChannel(prefix), JSON.stringify({ op, orgId, monitorId }));
  await waitFor('the announcement to arrive', () => announced > before);
}

let nextSlot = Date.UTC(2031, 0, 1);
function jobFor(m: TestMonitor, path: string, overrides: Partial<CheckJob> = {}): CheckJob {
  nextSlot += 10_000;
  return {
    spec: httpSpec(target.url(path), { id: m.id, orgId, timeoutMs: 500 }),
    scheduledAtMs: nextSlot,
    region: REGION,
    kind: 'scheduled',
    attempt: 0,
    configVersion: m.version,
    ...overrides,
  };
}

async function finished(jobId: string): Promise<Job> {
  return waitFor(`job ${jobId} to finish`, async () => {
    const found = await checks.getJob(jobId);
    return found?.finishedOn ? found : undefined;
  });
}

async function run(data: CheckJob, jobId: string): Promise<Job> {
  await checks.add('check', data, { ...jobPolicies.check, removeOnComplete: false, jobId });
  return finished(jobId);
}

/** A job queued for later, as the scheduler queues slots ahead of time; `due` runs it now. */
async function queued(data: CheckJob, jobId: string) {
  const job = await checks.add('check', data, {
    ...jobPolicies.check,
    removeOnComplete: false,
    jobId,
    delay: 3_600_000,
  });
  return {
    due: async () => {
      await job.promote();
      return finished(jobId);
    },
  };
}

async function skipped(reason: string): Promise<number> {
  const metric = await metrics.skippedJobs.get();
  return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

async function resultCount(monitorId: string): Promise<number> {
  const rows = await t.db
    .selectFrom('check_results')
    .select('ok')
    .where('monitor_id', '=', monitorId)
    .execute();
  return rows.length;
}

describe('jobs queued before their monitor changed', () => {
  it('a paused monitor gets no check from a slot or a confirmation already queued: both are skipped and counted', async () => {
    const m = await createMonitor();
    expect((await run(jobFor(m, '/paused-before'), 'paused-0')).returnvalue).toEqual({ ok: false });
    const slot = await queued(jobFor(m, '/paused-slot'), 'paused-slot');
    // Confirmation re-checks queued by an older verifier carry no version.
    const confirmation = await queued(
      jobFor(m, '/paused-confirmation', { kind: 'confirmation', attempt: 1, configVersion: undefined }),
      'paused-confirmation',
    );
    await change(m, { paused: true });
    await announce('upsert', m.id);

    expect((await slot.due()).returnvalue).toEqual({ ok: false, skipped: 'paused' });
    expect((await confirmation.due()).returnvalue).toEqual({ ok: false, skipped: 'paused' });
    expect(target.hits.get('/paused-slot')).toBeUndefined();
    expect(target.hits.get('/paused-confirmation')).toBeUndefined();
    expect(await skipped('paused')).toBe(2);
    expect(await resultCount(m.id)).toBe(1);
  });

  it('a deleted monitor gets no check from a job already queued', async () => {
    const m = await createMonitor();
    await run(jobFor(m, '/deleted-before'), 'deleted-0');
    const slot = await queued(jobFor(m, '/deleted-slot'), 'deleted-slot');
    await t.db.deleteFrom('monitors').where('id', '=', m.id).execute();
    await announce('delete', m.id);

    expect((await slot.due()).returnvalue).toEqual({ ok: false, skipped: 'deleted' });
    expect(target.hits.get('/deleted-slot')).toBeUndefined();
    expect(await skipped('deleted')).toBe(1);
  });

  it('an edited monitor: the job built from the old settings is skipped, one built from the new ones runs', async () => {
    const m = await createMonitor();
    await run(jobFor(m, '/edited-before'), 'edited-0');
    const old = await queued(jobFor(m, '/edited-old'), 'edited-old');
    const version = await change(m, { url: target.url('/edited-new') });
    await announce('upsert', m.id);

    expect((await old.due()).returnvalue).toEqual({ ok: false, skipped: 'changed' });
    expect(target.hits.get('/edited-old')).toBeUndefined();
    const fresh = await run(jobFor({ id: m.id, version }, '/edited-new'), 'edited-new');
    expect(fresh.returnvalue).toEqual({ ok: false });
    expect(target.hits.get('/edited-new')).toBe(1);
    expect(await skipped('changed')).toBe(1);
  });

  it('a job newer than what the worker knew (an announcement it missed) reads the monitor again and runs', async () => {
    const m = await createMonitor();
    await run(jobFor(m, '/missed-before'), 'missed-0');
    const version = await change(m, { url: target.url('/missed-new') });
    const reads = monitorReads;
    const fresh = await run(jobFor({ id: m.id, version }, '/missed-new'), 'missed-new');
    expect(fresh.returnvalue).toEqual({ ok: false });
    expect(monitorReads).toBe(reads + 1);
    const old = await run(jobFor(m, '/missed-old'), 'missed-old');
    expect(old.returnvalue).toEqual({ ok: false, skipped: 'changed' });
    expect(target.hits.get('/missed-old')).toBeUndefined();
  });

  it('reads a monitor once for all the jobs it meets together, and not at all for later ones', async () => {
    const m = await createMonitor();
    const reads = monitorReads;
    const wave = async (name: string) => {
      const jobs = Array.from({ length: 30 }, (_, i) => ({
        name: 'check',
        data: jobFor(m, `/${name}`),
        opts: { ...jobPolicies.check, removeOnComplete: false, jobId: `${name}-${i}` },
      }));
      await checks.addBulk(jobs);
      for (const job of jobs) await finished(job.opts.jobId);
    };
    await wave('wave-1');
    expect(monitorReads).toBe(reads + 1);
    await wave('wave-2');
    expect(monitorReads).toBe(reads + 1);
    expect(target.hits.get('/wave-1')).toBe(30);
    expect(target.hits.get('/wave-2')).toBe(30);
  });
});
