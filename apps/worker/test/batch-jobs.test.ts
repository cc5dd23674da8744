import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CHECK_BATCH_JOB,
  CHECK_JOB,
  type CheckBatchJob,
  type CheckJob,
  checkQueueName,
  jobPolicies,
  VERIFY_QUEUE,
  type VerifyJob,
} from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import { type Job, Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics';
import { ResultWriter } from '../src/result-writer';
import { addPokes, type VerifyPoke } from '../src/verify-pokes';
import { type BatchSummary, startCheckWorker } from '../src/worker';
import { context, httpSpec, waitFor } from './helpers';

const logger = createLogger('batch-jobs-test', 'silent');
const REGION = 'local';

/**
 * A local HTTP target that notes when each path is asked for, answers `/hold/...` only when the
 * test releases it (counting how many wait at once), and never answers `/hang`.
 */
interface Recorder {
  url: (path: string) => string;
  arrivals: Map<string, number[]>;
  held: number;
  maxHeld: number;
  releaseOne: () => void;
  releaseAll: () => void;
  close: () => Promise<void>;
}

async function startRecorder(): Promise<Recorder> {
  const waiting: ServerResponse[] = [];
  const recorder = {
    arrivals: new Map<string, number[]>(),
    held: 0,
    maxHeld: 0,
    releaseOne: () => {
      const res = waiting.shift();
      if (res) {
        recorder.held--;
        res.writeHead(200).end('released');
      }
    },
    releaseAll: () => {
      while (waiting.length > 0) recorder.releaseOne();
    },
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    recorder.arrivals.set(path, [...(recorder.arrivals.get(path) ?? []), Date.now()]);
    if (path === '/hang') return;
    if (path.startsWith('/hold/')) {
      waiting.push(res);
      recorder.held++;
      recorder.maxHeld = Math.max(recorder.maxHeld, recorder.held);
      return;
    }
    res.writeHead(200).end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(recorder, {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

let t: TestDatabase;
let redis: Redis;
let prefix: string;
let checks: Queue;
let verify: Queue<VerifyJob>;
let worker: Worker;
let writer: ResultWriter<VerifyPoke>;
let metrics: WorkerMetrics;
let target: Recorder;
let orgId: string;
/** Statements reading `check_results` made through the worker's pool. */
let resultReads = 0;
const opened: Array<{ close: () => Promise<unknown> }> = [];

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  target = await startRecorder();
  const org = await t.db
    .insertInto('organizations')
    .values({ name: 'Acme', slug: `acme-${prefix}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgId = org.id;
  const counted: Db = t.db.withPlugin({
    transformQuery: (args) => {
      if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node.from).includes('check_results'))
        resultReads += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  checks = new Queue(checkQueueName(REGION), { connection: redis, prefix });
  verify = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  metrics = createWorkerMetrics(new Registry());
  writer = new ResultWriter<VerifyPoke>({ db: t.db, logger, afterInsert: addPokes(verify) });
  worker = checkWorker({ db: counted, prefix, concurrency: 10 });
});

afterAll(async () => {
  for (const item of opened.reverse()) await item.close();
  await worker?.close();
  await writer?.close();
  await Promise.all([checks?.close(), verify?.close()]);
  await target?.close();
  await redis?.quit();
  await t?.drop();
});

const checkWorker = (options: { prefix: string; concurrency: number; jobConcurrency?: number; db?: Db }) =>
  startCheckWorker({
    region: REGION,
    context,
    runCheck,
    writer,
    metrics,
    logger,
    connection: redis,
    ...options,
  });

const monitors = (count: number) =>
  Promise.all(Array.from({ length: count }, () => insertMonitor(t.db, orgId, { config: { name: 'b' } })));

const entry = (monitorId: string, path: string, scheduledAtMs: number, timeoutMs = 5000) => ({
  spec: httpSpec(target.url(path), { id: monitorId, orgId, timeoutMs }),
  scheduledAtMs,
});

/** Adds a scheduled batch of `entries` (left as given: a test may put an invalid one among them). */
async function enqueueBatch(queue: Queue, entries: unknown[], jobId: string, shard = 0): Promise<Job> {
  const data = { shard, region: REGION, kind: 'scheduled', checks: entries };
  return queue.add(CHECK_BATCH_JOB, data as CheckBatchJob, {
    ...jobPolicies.check,
    removeOnComplete: false,
    jobId,
  });
}

async function finished(queue: Queue, jobId: string): Promise<Job> {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const found = await queue.getJob(jobId);
      return found && (found.finishedOn ? found : undefined);
    },
    15_000,
  );
}

async function rowsOf(monitorIds: string[]) {
  return t.db
    .selectFrom('check_results')
    .select(['monitor_id', 'scheduled_at', 'checked_at', 'ok', 'error_kind', 'kind', 'attempt'])
    .where('monitor_id', 'in', monitorIds)
    .orderBy('scheduled_at')
    .execute();
}

describe('batch check jobs', () => {
  it('runs each check at its own planned time, none held back by a target that never answers', async () => {
    const ids = await monitors(4);
    const [hanging, ...others] = ids as [string, ...string[]];
    const t0 = Date.now() + 300;
    const planned = [t0, t0 + 300, t0 + 600, t0 + 900];
    const before = resultReads;
    await enqueueBatch(
      checks,
      [
        entry(hanging, '/hang', t0, 1500),
        ...others.map((id, i) => entry(id, `/timed/${i}`, planned[i + 1] as number)),
      ],
      'timed',
    );
    const done = await finished(checks, 'timed');
    expect(await done.getState()).toBe('completed');
    expect(done.returnvalue).toEqual({ checks: 4, ok: 3, failed: 1, skipped: 0, invalid: 0, alreadyDone: 0 });
    // The job completed once every result was durable.
    expect((done.finishedOn ?? 0) - t0).toBeGreaterThanOrEqual(1500);
    const rows = await rowsOf(ids);
    expect(rows.map((row) => row.scheduled_at.getTime())).toEqual(planned);
    expect(rows[0]).toMatchObject({
      monitor_id: hanging,
      ok: false,
      error_kind: 'timeout',
      kind: 'scheduled',
      attempt: 0,
    });
    for (const [i, row] of rows.entries()) {
      const at = planned[i] as number;
      expect(row.checked_at.getTime()).toBeGreaterThanOrEqual(at);
      expect(row.checked_at.getTime()).toBeLessThan(at + 250);
      if (i > 0) {
        const arrived = target.arrivals.get(`/timed/${i - 1}`)?.[0] ?? 0;
        expect(arrived).toBeGreaterThanOrEqual(at);
        expect(arrived).toBeLessThan(at + 250);
      }
    }
    // A first delivery reads no results.
    expect(resultReads).toBe(before);
  });

  it('bounds the checks in flight across jobs, batches and single checks alike, by the concurrency', async () => {
    const ownPrefix = uniqueQueuePrefix();
    const queue = new Queue(checkQueueName(REGION), { connection: redis, prefix: ownPrefix });
    const bounded = checkWorker({
      prefix: ownPrefix,
      concurrency: 3,
      jobConcurrency: 5,
    });
    opened.push(queue, bounded);
    const ids = await monitors(9);
    const now = Date.now();
    for (const [n, part] of [ids.slice(0, 4), ids.slice(4, 8)].entries()) {
      await enqueueBatch(
        queue,
        part.map((id) => entry(id, `/hold/${id}`, now)),
        `held-${n}`,
        n,
      );
    }
    const single: CheckJob = {
      ...entry(ids[8] as string, '/hold/single', now),
      region: REGION,
      kind: 'scheduled',
      attempt: 0,
    };
    await queue.add(CHECK_JOB, single, {
      ...jobPolicies.check,
      removeOnComplete: false,
      jobId: 'held-single',
    });

    await waitFor('three checks at the target', () => target.held === 3);
    // Each answer lets exactly one more check start.
    for (let answered = 1; answered <= 6; answered++) {
      target.releaseOne();
      await waitFor(`check ${answered + 3} at the target`, () => target.held === Math.min(3, 9 - answered));
    }
    target.releaseAll();
    for (const jobId of ['held-0', 'held-1', 'held-single']) {
      expect(await (await finished(queue, jobId)).getState()).toBe('completed');
    }
    expect(target.maxHeld).toBe(3);
    expect(await rowsOf(ids)).toHaveLength(9);
  });

  it('runs again only the slots without a durable result when a batch is delivered again', async () => {
    const ids = await monitors(3);
    const [first, failing, last] = ids as [string, string, string];
    // The failing monitor's row is refused as bad data throughout the first delivery: its batch
    // INSERT and the writer's row-by-row retry right after. The moment of the first refusal is kept
    // in a sequence (not rolled back with the refused INSERT); the delivery again, after the 500 ms
    // backoff, is let through.
    await sql`CREATE SEQUENCE refuse_once`.execute(t.db);
    await sql
      .raw(`CREATE FUNCTION refuse_once() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
          first_ms bigint;
        BEGIN
          IF NEW.monitor_id <> '${failing}' THEN
            RETURN NEW;
          END IF;
          SELECT CASE WHEN is_called THEN last_value END INTO first_ms FROM refuse_once;
          IF first_ms IS NULL THEN
            PERFORM setval('refuse_once', now_ms);
            RAISE EXCEPTION 'refused once' USING ERRCODE = '23514';
          ELSIF now_ms - first_ms < 400 THEN
            RAISE EXCEPTION 'refused once' USING ERRCODE = '23514';
          END IF;
          RETURN NEW;
        END $$`)
      .execute(t.db);
    await sql`CREATE TRIGGER refuse_once BEFORE INSERT ON check_results FOR EACH ROW EXECUTE FUNCTION refuse_once()`.execute(
      t.db,
    );
    const t0 = Date.now();
    const before = resultReads;
    await enqueueBatch(
      checks,
      [
        entry(first, '/again/first', t0),
        entry(failing, '/again/failing', t0 + 100),
        entry(last, '/again/last', t0 + 200),
      ],
      'again',
    );
    const done = await finished(checks, 'again');
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(2);
    expect(done.returnvalue).toMatchObject({ checks: 3, ok: 1, alreadyDone: 2 });
    expect(target.arrivals.get('/again/first')).toHaveLength(1);
    expect(target.arrivals.get('/again/last')).toHaveLength(1);
    expect(target.arrivals.get('/again/failing')).toHaveLength(2);
    expect(await rowsOf(ids)).toHaveLength(3);
    // One read of the batch's keys, on the second delivery only.
    expect(resultReads).toBe(before + 1);
    await sql`DROP TRIGGER refuse_once ON check_results`.execute(t.db);
  });

  it('writes the other checks of a batch with one invalid check, and counts it', async () => {
    const ids = await monitors(2);
    const invalidBefore = (await metrics.invalidJobs.get()).values[0]?.value ?? 0;
    const t0 = Date.now();
    await enqueueBatch(
      checks,
      [
        entry(ids[0] as string, '/mixed/a', t0),
        { spec: { id: 42, type: 'http' }, scheduledAtMs: t0 },
        entry(ids[1] as string, '/mixed/b', t0 + 50),
      ],
      'mixed',
    );
    const done = await finished(checks, 'mixed');
    expect(await done.getState()).toBe('completed');
    expect(done.returnvalue as BatchSummary).toMatchObject({ checks: 3, ok: 2, invalid: 1 });
    expect(await rowsOf(ids)).toHaveLength(2);
    expect((await metrics.invalidJobs.get()).values[0]?.value).toBe(invalidBefore + 1);
  });

  it('fails a batch whose payload is invalid as a whole without retrying, and keeps working', async () => {
    await enqueueBatch(checks, [], 'empty');
    const bad = await finished(checks, 'empty');
    expect(await bad.getState()).toBe('failed');
    expect(bad.attemptsMade).toBe(1);
    expect(bad.failedReason).toContain('invalid check job: checks');
    const [id] = await monitors(1);
    const single: CheckJob = {
      ...entry(id as string, '/after-empty', Date.now()),
      region: REGION,
      kind: 'scheduled',
      attempt: 0,
    };
    await checks.add(CHECK_JOB, single, {
      ...jobPolicies.check,
      removeOnComplete: false,
      jobId: 'after-empty',
    });
    expect(await (await finished(checks, 'after-empty')).getState()).toBe('completed');
    expect(worker.isRunning()).toBe(true);
    expect(await rowsOf([id as string])).toHaveLength(1);
  });
});
