import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { checkQueueName, shardKeyTag } from '@sentinelmesh/core';
import { createDb, type Db, migrateToLatest } from '@sentinelmesh/db';
import { monitorFixtureConfig } from '@sentinelmesh/db/fixtures';
import { freePort } from '@sentinelmesh/stack/ports';
import { cpuSeconds, rssMiB, StackProcess } from '@sentinelmesh/stack/stack-process';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { buildBackend } from '../build/backend';
import { percentile } from './measure';
import { type SchedulerScaleOptions, type SchedulerScaleRow, schedulerScaleTable } from './scheduler-hook';
import { startBenchServices } from './services';

const PREFIX = 'sm';
const SHARDS = 16;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`scheduler-scale | ${line}\n`);

/**
 * Writes `count` HTTP monitors in a few statements: the fixture's defaults, a name and URL each,
 * and on every tenth a couple of headers and extra assertions, as real monitors carry.
 */
async function seed(db: Db, orgId: string, count: number, intervalSeconds: number): Promise<void> {
  const plain = monitorFixtureConfig({
    followRedirects: false,
    intervalSeconds,
    timeoutMs: 5_000,
  });
  const rich = monitorFixtureConfig({
    followRedirects: false,
    intervalSeconds,
    timeoutMs: 5_000,
    headers: { accept: 'application/json', 'user-agent': 'sentinelmesh-probe/1.0' },
    assertions: [
      { source: 'status', op: 'between', value: [200, 299] },
      { source: 'responseTimeMs', op: 'lt', value: 2000 },
      { source: 'body', op: 'contains', value: 'ok' },
    ],
    tags: ['prod', 'edge'],
  });
  const anHourAgo = new Date(Date.now() - 3_600_000);
  const batch = 100_000;
  for (let start = 1; start <= count; start += batch) {
    const end = Math.min(count, start + batch - 1);
    await sql`
      INSERT INTO monitors (org_id, config, created_at, updated_at)
      SELECT ${orgId}::uuid,
        (CASE WHEN i % 10 = 0 THEN ${JSON.stringify(rich)}::jsonb ELSE ${JSON.stringify(plain)}::jsonb END)
          || jsonb_build_object('name', 'scale-' || i, 'url', 'http://127.0.0.1:9/m/' || i),
        ${anHourAgo}, ${anHourAgo}
      FROM generate_series(${start}::int, ${end}::int) AS i`.execute(db);
  }
}

/**
 * Every slot a check job carries, whatever its format: a `scheduledAtMs` anywhere in the payload
 * (one slot, or a list of monitors or slots), or plain numbers in a `slots` list.
 */
function slotTimes(data: unknown, depth = 0, times: number[] = []): number[] {
  if (depth > 4 || typeof data !== 'object' || data === null) return times;
  if (Array.isArray(data)) {
    for (const item of data) slotTimes(item, depth + 1, times);
    return times;
  }
  for (const [key, value] of Object.entries(data)) {
    if (key === 'scheduledAtMs' && typeof value === 'number') times.push(value);
    else if (key === 'slots' && Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'number') times.push(item);
        else slotTimes(item, depth + 1, times);
      }
    } else if (key !== 'spec' && typeof value === 'object') slotTimes(value, depth + 1, times);
  }
  return times;
}

/** Polls `probe` until it holds; false when `timeoutMs` passed first. */
async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** The scheduler's metrics text, or null when it does not answer. */
async function metricsText(port: number): Promise<string | null> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } catch {
    return null;
  }
}

/** Sum of a metric's samples in a metrics text. */
function metricSum(text: string | null, name: string): number | null {
  if (text === null) return null;
  const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) =>
    Number(m[1]),
  );
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0);
}

/** The scheduler's warnings and errors in the launcher's output, by message, with their counts. */
function schedulerWarnings(output: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of output.matchAll(/"level":(?:40|50|60),.*?"msg":"([^"]*)"/g)) {
    const message = match[1] ?? '';
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return counts;
}

/**
 * The upper bound of the histogram bucket holding quantile `q` of the observations made between two
 * metrics texts; null when there were none.
 */
function histogramQuantile(
  before: string | null,
  after: string | null,
  name: string,
  q: number,
): number | null {
  const buckets = (text: string | null) =>
    new Map(
      [
        ...(text ?? '').matchAll(
          new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm'),
        ),
      ].map((m) => [m[1] ?? '', Number(m[2])]),
    );
  const start = buckets(before);
  const counts = [...buckets(after)].map(
    ([le, count]) =>
      [le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), count - (start.get(le) ?? 0)] as const,
  );
  const total = counts.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  return counts.find(([, count]) => count >= q * total)?.[0] ?? null;
}

const secondsToMs = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
const fmtMs = (ms: number | null) => (ms === null ? '?' : ms.toFixed(0));

const mib = (bytes: number | null) => (bytes === null ? '?' : (bytes / 1024 / 1024).toFixed(0));

/**
 * A scheduler-only scale run: one real scheduler process (no worker) with `monitors` monitors at a
 * 60 s interval (`intervalSeconds` to change it), measured over `seconds` after `warmupSeconds`,
 * and a consumer that only notes when each slot's job became available to a worker relative to its
 * planned time. Memory per monitor is the scheduler's RSS above its RSS with no monitors, divided
 * by the monitors.
 */
export async function runSchedulerScale(
  options: SchedulerScaleOptions & {
    /** The monitors' interval (default 60 s). */
    intervalSeconds?: number;
  },
): Promise<SchedulerScaleRow> {
  const intervalSeconds = options.intervalSeconds ?? 60;
  const services = await startBenchServices();
  const db = createDb({ connectionString: services.databaseUrl, max: 4, applicationName: 'scheduler-scale' });
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
  // The launcher gives the scheduler the ops port after the base: its metrics tell heap from RSS.
  const opsPort = await freePort();
  const stack = new StackProcess({
    STACK_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-scheduler-scale-')),
    STACK_APPS: 'scheduler',
    STACK_RUN: options.run ?? 'source',
    // Flags given to the bench (e.g. --cpu-prof) still reach the scheduler, after the deployment's.
    STACK_NODE_ARGS: [
      options.singleThreadedGc ? '--single-threaded-gc' : '',
      options.heapMiB ? `--max-old-space-size=${options.heapMiB}` : '',
      process.env.STACK_NODE_ARGS ?? '',
    ]
      .join(' ')
      .trim(),
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    QUEUE_PREFIX: PREFIX,
    SHARDS: String(SHARDS),
    OPS_PORT_BASE: String(opsPort - 1),
    LOG_LEVEL: 'warn',
  });
  const watermarkKeys = Array.from({ length: SHARDS }, (_, s) => `${shardKeyTag(PREFIX, s)}:watermark`);
  const ticked = async () => (await redis.mget(...watermarkKeys)).some((value) => value !== null);
  try {
    await migrateToLatest(db);
    const org = await db
      .insertInto('organizations')
      .values({ name: 'Scale', slug: 'scale' })
      .returning('id')
      .executeTakeFirstOrThrow();

    // Baseline: the same process with no monitors, once it has ticked and settled.
    await stack.start();
    if (!(await waitUntil(ticked, 60_000))) throw new Error('the scheduler never ticked without monitors');
    await sleep(3_000);
    const baseline = rssMiB(stack.pids().scheduler ?? null);
    await stack.stop();
    await redis.flushall();
    log(`baseline RSS ${baseline} MiB; seeding ${options.monitors} monitors`);

    const seedStart = Date.now();
    await seed(db, org.id, options.monitors, intervalSeconds);
    await sql`ANALYZE monitors`.execute(db);
    log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    const lags: Array<{ at: number; lag: number; enqueued: number }> = [];
    // Per job: its first slot, when the queue was asked to make it available (`timestamp + delay`),
    // and when it was taken. The first slot's lag is (due − first) + (taken − due).
    const jobs: Array<{ first: number; due: number; taken: number }> = [];
    const consumerConnection = redis.duplicate();
    const consumer = new Worker(
      checkQueueName('local'),
      async (job) => {
        const takenAt = Date.now();
        let first = Number.POSITIVE_INFINITY;
        for (const at of slotTimes(job.data)) {
          lags.push({ at, lag: takenAt - at, enqueued: job.timestamp - at });
          first = Math.min(first, at);
        }
        if (first !== Number.POSITIVE_INFINITY)
          jobs.push({ first, due: job.timestamp + (job.opts.delay ?? 0), taken: takenAt });
      },
      { connection: consumerConnection, prefix: PREFIX, concurrency: 1000, autorun: true },
    );
    try {
      const startedAt = Date.now();
      await stack.start(600_000);
      // A scheduler that never commits a tick is measured all the same, without a start-up time.
      const startupSeconds = (await waitUntil(ticked, 600_000)) ? (Date.now() - startedAt) / 1000 : null;
      log(
        `first tick ${startupSeconds === null ? 'never' : `${startupSeconds.toFixed(1)} s`} after start; RSS then ${rssMiB(stack.pids().scheduler ?? null)} MiB`,
      );
      await sleep(options.warmupSeconds * 1000);
      const pid = stack.pids().scheduler ?? null;
      const cpuBefore = cpuSeconds(pid);
      const metricsBefore = await metricsText(opsPort);
      const jobsBefore = metricSum(metricsBefore, 'scheduler_jobs_enqueued_total');
      const gcBefore = metricSum(metricsBefore, 'nodejs_gc_duration_seconds_sum');
      const from = Date.now();
      await sleep(options.seconds * 1000);
      const to = Date.now();
      const cpuAfter = cpuSeconds(pid);
      const rss = rssMiB(pid);
      const metrics = await metricsText(opsPort);
      const jobsAfter = metricSum(metrics, 'scheduler_jobs_enqueued_total');
      const gcAfter = metricSum(metrics, 'nodejs_gc_duration_seconds_sum');
      const gcMsPerSec =
        gcBefore === null || gcAfter === null
          ? '?'
          : (((gcAfter - gcBefore) * 1000) / ((to - from) / 1000)).toFixed(0);
      const jobsPerSec =
        jobsBefore === null || jobsAfter === null
          ? '?'
          : ((jobsAfter - jobsBefore) / ((to - from) / 1000)).toFixed(0);
      log(
        `at the window's end: heap used ${mib(metricSum(metrics, 'nodejs_heap_size_used_bytes'))} MiB of ${mib(metricSum(metrics, 'nodejs_heap_size_total_bytes'))} MiB; jobs enqueued ${jobsPerSec}/s; GC ${gcMsPerSec} ms/s`,
      );
      // Jobs of the window's last slots may still be on their way to the consumer.
      await sleep(3_000);
      const inWindow = lags.filter((entry) => entry.at >= from && entry.at < to);
      const window = inWindow.map((entry) => entry.lag);
      const elapsed = (to - from) / 1000;
      const jobsInWindow = jobs.filter((job) => job.first >= from && job.first < to);
      const dueLate = jobsInWindow.map((job) => job.due - job.first);
      const delivery = jobsInWindow.map((job) => job.taken - job.due);
      const dueLateP99Ms = percentile(dueLate, 0.99);
      const deliveryP99Ms = percentile(delivery, 0.99);
      const eventLoopP99Ms = secondsToMs(metricSum(metrics, 'nodejs_eventloop_lag_p99_seconds'));
      const tickP99Ms = secondsToMs(
        histogramQuantile(metricsBefore, metrics, 'scheduler_tick_duration_seconds', 0.99),
      );
      log(
        `attribution over the window (${jobsInWindow.length} jobs): job due − its first slot p50/p99 ${fmtMs(percentile(dueLate, 0.5))}/${fmtMs(dueLateP99Ms)} ms; taken − due p50/p99 ${fmtMs(percentile(delivery, 0.5))}/${fmtMs(deliveryP99Ms)} ms; scheduler event-loop delay p99 ${fmtMs(eventLoopP99Ms)} ms; tick p99 ≤ ${fmtMs(tickP99Ms)} ms`,
      );
      return {
        monitors: options.monitors,
        slotsPerSec: window.length / elapsed,
        lagP50Ms: percentile(window, 0.5),
        lagP99Ms: percentile(window, 0.99),
        enqueuedP99Ms: percentile(
          inWindow.map((entry) => entry.enqueued),
          0.99,
        ),
        rssMiB: rss,
        bytesPerMonitor:
          rss === null || baseline === null || options.monitors === 0
            ? null
            : Math.round(((rss - baseline) * 1024 * 1024) / options.monitors),
        cpuPercent: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) / elapsed) * 100,
        startupSeconds,
        dueLateP99Ms,
        deliveryP99Ms,
        eventLoopP99Ms,
        tickP99Ms,
      };
    } finally {
      await consumer.close(true);
      consumerConnection.disconnect();
    }
  } finally {
    const warnings = schedulerWarnings(stack.output);
    if (warnings.size > 0)
      log(
        `the scheduler warned: ${[...warnings].map(([message, count]) => `${message} (${count}×)`).join('; ')}`,
      );
    await stack.stop();
    redis.disconnect();
    await db.destroy();
    await services.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      monitors: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '10' },
      interval: { type: 'string', default: '60' },
      'heap-mib': { type: 'string', default: '1024' },
      // V8's collector on the main thread instead of with its helper threads (slower here: operations.md).
      'single-threaded-gc': { type: 'boolean', default: false },
      // Run the TypeScript sources through tsx instead of the compiled scheduler.
      source: { type: 'boolean', default: false },
    },
  });
  if (!values.source) {
    await buildBackend(path.resolve(import.meta.dirname, '..', '..'), ['scheduler'], (line) =>
      log(`build: ${line}`),
    );
  }
  const row = await runSchedulerScale({
    run: values.source ? 'source' : 'built',
    heapMiB: Number(values['heap-mib']),
    singleThreadedGc: values['single-threaded-gc'],
    monitors: Number(values.monitors),
    seconds: Number(values.seconds),
    warmupSeconds: Number(values.warmup),
    intervalSeconds: Number(values.interval),
  });
  process.stdout.write(`\n${schedulerScaleTable(row)}\n`);
}
