import {
  type CheckJob,
  checkQueueName,
  jobPolicies,
  VERIFY_QUEUE,
  type VerifyBatchJob,
} from '@sentinelmesh/core';
import { createDb, type Db } from '@sentinelmesh/db';
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
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics';
import { ResultWriter } from '../src/result-writer';
import { addPokes, type VerifyPoke } from '../src/verify-pokes';
import { startCheckWorker } from '../src/worker';
import { closedPort, context, httpSpec, startTarget, type Target, tcpSpec, waitFor } from './helpers';

const logger = createLogger('worker-test', 'silent');
const REGION = 'local';

let t: TestDatabase;
let writerDb: Db;
let redis: Redis;
let prefix: string;
let checks: Queue<CheckJob>;
let verify: Queue<VerifyBatchJob>;
let worker: Worker;
let writer: ResultWriter<VerifyPoke>;
let metrics: WorkerMetrics;
let target: Target;
let orgId: string;
let monitorId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  // The worker's own pool, named so a test can cut it off from Postgres.
  writerDb = createDb({
    connectionString: t.url,
    applicationName: 'worker-under-test',
    onPoolError: () => {},
  });
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  target = await startTarget();
  const org = await t.db
    .insertInto('organizations')
    .values({ name: 'Acme', slug: `acme-${prefix}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgId = org.id;
  monitorId = await insertMonitor(t.db, orgId, { config: { name: 'x' } });

  checks = new Queue(checkQueueName(REGION), { connection: redis, prefix });
  verify = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  metrics = createWorkerMetrics(new Registry());
  writer = new ResultWriter<VerifyPoke>({
    db: writerDb,
    logger,
    afterInsert: addPokes(verify),
    onRetry: () => metrics.writeRetries.inc(),
  });
  worker = startCheckWorker({
    region: REGION,
    context,
    runCheck,
    writer,
    metrics,
    logger,
    connection: redis,
    prefix,
    concurrency: 10,
  });
});

afterAll(async () => {
  await worker?.close();
  await writer?.close();
  await Promise.all([checks?.close(), verify?.close()]);
  await target?.close();
  await redis?.quit();
  await writerDb?.destroy();
  await t?.drop();
});

let nextSlot = Date.UTC(2030, 0, 1);
function job(path: string, overrides: Partial<CheckJob> = {}): CheckJob {
  nextSlot += 10_000;
  return {
    spec: httpSpec(target.url(path), { id: monitorId, orgId, timeoutMs: 500 }),
    scheduledAtMs: nextSlot,
    region: REGION,
    kind: 'scheduled',
    attempt: 0,
    ...overrides,
  };
}

async function enqueue(data: unknown, jobId: string): Promise<Job> {
  return checks.add('check', data as CheckJob, { ...jobPolicies.check, removeOnComplete: false, jobId });
}

async function resultRows(scheduledAtMs: number) {
  return t.db
    .selectFrom('check_results')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .where('scheduled_at', '=', new Date(scheduledAtMs))
    .execute();
}

/** The verify jobs waiting that name `id`. */
async function verifyJobsNaming(id: string): Promise<Job<VerifyBatchJob>[]> {
  const waiting = await verify.getJobs(['waiting', 'prioritized', 'delayed']);
  return waiting.filter((j) => j.data.monitors.some((m) => m.monitorId === id));
}

async function finished(jobId: string): Promise<Job> {
  return waitFor(`job ${jobId} to finish`, async () => {
    const found = await checks.getJob(jobId);
    return found && (found.finishedOn ? found : undefined);
  });
}

describe('check worker', () => {
  it('writes an ok result for a 200 target in the slot row, then asks for verification', async () => {
    const data = job('/ok');
    await enqueue(data, 'ok-1');
    const done = await finished('ok-1');
    expect(done.returnvalue).toEqual({ ok: true });
    const [row] = await resultRows(data.scheduledAtMs);
    expect(row).toMatchObject({
      org_id: orgId,
      region: REGION,
      kind: 'scheduled',
      attempt: 0,
      ok: true,
      status_code: 200,
      error_kind: null,
      failed_assertions: [],
    });
    expect(row?.latency_ms).toBeGreaterThanOrEqual(0);
    const [poke] = await verifyJobsNaming(monitorId);
    expect(poke?.data).toEqual({ monitors: [{ orgId, monitorId }] });
    expect(poke?.opts.attempts).toBe(jobPolicies.verify.attempts);
  });

  it.each([
    { path: '/fail', kind: 'http_status', status: 500 },
    { path: '/slow', kind: 'timeout', status: null },
  ])('records a failed check of $path as $kind', async ({ path, kind, status }) => {
    const data = job(path);
    await enqueue(data, `fail-${kind}`);
    await finished(`fail-${kind}`);
    const [row] = await resultRows(data.scheduledAtMs);
    expect(row).toMatchObject({ ok: false, error_kind: kind, status_code: status });
    expect(row?.error_message).toBeTruthy();
  });

  it('records a refused port as a connect failure', async () => {
    const port = await closedPort();
    const data = job('/', { spec: httpSpec(`http://127.0.0.1:${port}/`, { id: monitorId, orgId }) });
    await enqueue(data, 'refused');
    await finished('refused');
    expect(await resultRows(data.scheduledAtMs)).toMatchObject([{ ok: false, error_kind: 'connect' }]);
  });

  it('keeps the kind and attempt of a confirmation in its row', async () => {
    const data = job('/ok', { kind: 'confirmation', attempt: 2 });
    await enqueue(data, 'confirmation');
    await finished('confirmation');
    expect(await resultRows(data.scheduledAtMs)).toMatchObject([{ kind: 'confirmation', attempt: 2 }]);
  });

  it('waits for the planned time of a job handed out early (a worker clock ahead), and stamps it on its clock', async () => {
    const earlyBefore = (await metrics.earlyJobs.get()).values[0]?.value ?? 0;
    // Queued without a delay, as BullMQ hands a delayed job to anyone once a fast clock says it is due.
    const planned = Date.now() + 800;
    const data = job('/ok', { scheduledAtMs: planned });
    await enqueue(data, 'early');
    await finished('early');
    const [row] = await resultRows(planned);
    expect(row?.checked_at.getTime()).toBeGreaterThanOrEqual(planned);
    expect((await metrics.earlyJobs.get()).values[0]?.value).toBe(earlyBefore + 1);
  });

  it('runs a job asked for now (check now) at once, before its slot time, under that slot', async () => {
    const earlyBefore = (await metrics.earlyJobs.get()).values[0]?.value ?? 0;
    const planned = Date.now() + 20_000;
    const data = job('/ok', { scheduledAtMs: planned, runNow: true });
    await enqueue(data, 'run-now');
    await finished('run-now');
    const [row] = await resultRows(planned);
    expect(row?.ok).toBe(true);
    expect(row?.checked_at.getTime()).toBeLessThan(planned);
    expect((await metrics.earlyJobs.get()).values[0]?.value ?? 0).toBe(earlyBefore);
  });

  it('adds one verify job per written batch, naming each monitor of the batch once', async () => {
    const other = await insertMonitor(t.db, orgId, { config: { name: 'y' } });
    const result = (id: string, scheduledAtMs: number) => ({
      orgId,
      monitorId: id,
      scheduledAt: new Date(scheduledAtMs),
      checkedAt: new Date(scheduledAtMs),
      region: REGION,
      kind: 'scheduled' as const,
      attempt: 0,
      ok: true,
      statusCode: 200,
      latencyMs: 1,
      phases: { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, transferMs: null },
      certExpiresAt: null,
      error: null,
      failedAssertions: [],
    });
    const before = (await verify.getJobs(['waiting', 'prioritized', 'delayed'])).map((j) => j.id);
    const base = Date.UTC(2031, 0, 1);
    // Written in one turn: one batch, one INSERT, one verify job.
    await Promise.all([
      writer.write(result(monitorId, base), { orgId, monitorId }),
      writer.write(result(other, base), { orgId, monitorId: other }),
      writer.write(result(monitorId, base + 10_000), { orgId, monitorId, requestId: 'req-1' }),
      writer.write(result(other, base + 10_000), { orgId, monitorId: other }),
      writer.write(result(monitorId, base + 20_000), { orgId, monitorId }),
    ]);
    const added = (await verify.getJobs(['waiting', 'prioritized', 'delayed'])).filter(
      (j) => !before.includes(j.id),
    );
    expect(added).toHaveLength(1);
    expect(added[0]?.data).toEqual({
      monitors: [
        { orgId, monitorId, requestId: 'req-1' },
        { orgId, monitorId: other },
      ],
    });
    expect(added[0]?.opts.attempts).toBe(jobPolicies.verify.attempts);
  });

  it('fails a job with an invalid payload without retrying, and keeps working', async () => {
    await enqueue({ spec: { id: 42 }, region: REGION }, 'bad');
    const bad = await finished('bad');
    expect(await bad.getState()).toBe('failed');
    expect(bad.attemptsMade).toBe(1);
    expect(bad.failedReason).toContain('invalid check job');
    expect((await metrics.invalidJobs.get()).values[0]?.value).toBe(1);

    const data = job('/ok');
    await enqueue(data, 'after-bad');
    await finished('after-bad');
    expect(worker.isRunning()).toBe(true);
    expect(await resultRows(data.scheduledAtMs)).toHaveLength(1);
  });

  it('fails a job whose spec lacks a field its type needs as invalid, and writes no result', async () => {
    const data = job('/ok');
    const { port: _port, ...portless } = tcpSpec('127.0.0.1', target.port, { id: monitorId, orgId });
    await enqueue({ ...data, spec: portless }, 'tcp-without-port');
    const bad = await finished('tcp-without-port');
    expect(bad.attemptsMade).toBe(1);
    expect(bad.failedReason).toMatch(/invalid check job: spec\.port/);
    expect(await resultRows(data.scheduledAtMs)).toEqual([]);
  });

  it('writes one row when the same slot is processed twice', async () => {
    const hitsBefore = target.hits.get('/ok') ?? 0;
    const data = job('/ok');
    await enqueue(data, 'twice');
    await finished('twice');
    await (await checks.getJob('twice'))?.remove();
    await enqueue(data, 'twice');
    await finished('twice');
    expect(target.hits.get('/ok')).toBe(hitsBefore + 2);
    expect(await resultRows(data.scheduledAtMs)).toHaveLength(1);
  });

  it('holds a result while Postgres refuses connections and writes it, without re-running the check', async () => {
    const database = sql.id(new URL(t.url).pathname.slice(1));
    const admin = createDb({ connectionString: inject('postgresAdminUrl'), max: 1 });
    await sql`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`.execute(admin);
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = 'worker-under-test'`.execute(t.db);
    const hitsBefore = target.hits.get('/ok') ?? 0;
    const data = job('/ok');
    try {
      await enqueue(data, 'outage');
      await waitFor(
        'a retried write',
        async () => ((await metrics.writeRetries.get()).values[0]?.value ?? 0) > 0,
      );
      expect(await (await checks.getJob('outage'))?.getState()).toBe('active');
    } finally {
      await sql`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`.execute(admin);
      await admin.destroy();
    }
    const done = await finished('outage');
    expect(await done.getState()).toBe('completed');
    expect(await resultRows(data.scheduledAtMs)).toHaveLength(1);
    expect(target.hits.get('/ok')).toBe(hitsBefore + 1);
  });
});
