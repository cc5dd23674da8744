import { performance } from 'node:perf_hooks';
import {
  CHECK_BATCH_JOB,
  type CheckJob,
  checkBatchJobSchema,
  checkJobSchema,
  checkQueueName,
  checkSpecSchema,
  hasMasks,
} from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { type Logger, queuePrefix, type RedisClient } from '@sentinelmesh/platform';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { z } from 'zod';
import type { CheckContext, CheckRunner } from './checks/index';
import { failedOutcome } from './checks/outcome';
import type { WorkerMetrics } from './metrics';
import { type RevealedSpec, type SecretSource, scrubOutcome } from './monitor-secrets';
import type { MonitorVersions, SkipReason } from './monitor-versions';
import { waitBeforeRunMs } from './reference-clock';
import type { ResultWriter } from './result-writer';
import { Semaphore } from './semaphore';
import { type VerifyPoke, verifyPoke } from './verify-pokes';

export interface CheckProcessorDeps {
  region: string;
  context: CheckContext;
  runCheck: CheckRunner;
  writer: ResultWriter<VerifyPoke>;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Where masked secrets are filled from; without it a spec with masks fails as internal. */
  secrets?: SecretSource;
  /** What the worker knows of monitors now; without it every job runs as it was queued. */
  versions?: MonitorVersions;
  /**
   * Where a re-delivered batch learns which of its slots already have a durable result; without it
   * such a batch runs every slot again (the result's unique key still keeps one row per slot).
   */
  db?: Db;
  /** Bounds the checks running at once across all jobs; without it they are not bounded. */
  checksInFlight?: Semaphore;
}

/** What a batch job did with its checks (the job's return value). */
export interface BatchSummary {
  checks: number;
  ok: number;
  failed: number;
  skipped: number;
  invalid: number;
  /** Slots of a re-delivered batch that already had a durable result and were not run again. */
  alreadyDone: number;
}

const noSecrets: SecretSource = {
  reveal: async (spec) =>
    hasMasks(spec)
      ? { ok: false, message: 'this worker cannot open monitor secrets' }
      : { ok: true, spec, secrets: null },
};

const unbounded = new Semaphore(Number.POSITIVE_INFINITY);

const describeIssues = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) =>
  issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');

/** Parses a job's payload; a payload that can never succeed fails the job without retries. */
function parsePayload<S extends z.ZodType<{ region: string }>>(
  schema: S,
  job: Job,
  region: string,
): z.output<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`invalid check job: ${describeIssues(parsed.error.issues)}`);
  if (parsed.data.region !== region) {
    throw new UnrecoverableError(`check job for region ${parsed.data.region} in the queue of ${region}`);
  }
  return parsed.data;
}

/** A job BullMQ hands out again: it failed and is retried, or its worker stopped renewing its lock. */
const isRedelivery = (job: Job) => job.attemptsMade > 0 || job.stalledCounter > 0;

const slotKey = (monitorId: string, scheduledAtMs: number) => `${monitorId}/${scheduledAtMs}`;

/** The slots among `checks` that already have a durable result, read in one statement. */
async function durableSlots(db: Db, checks: CheckJob[]): Promise<Set<string>> {
  const first = checks[0];
  if (!first) return new Set();
  const rows = await db
    .selectFrom('check_results')
    .select(['monitor_id', 'scheduled_at'])
    .where('org_id', 'in', [...new Set(checks.map((c) => c.spec.orgId))])
    .where('monitor_id', 'in', [...new Set(checks.map((c) => c.spec.id))])
    .where(
      'scheduled_at',
      'in',
      [...new Set(checks.map((c) => c.scheduledAtMs))].map((ms) => new Date(ms)),
    )
    .where('region', '=', first.region)
    .where('kind', '=', first.kind)
    .execute();
  return new Set(rows.map((row) => slotKey(row.monitor_id, row.scheduled_at.getTime())));
}

type Prepared = { skipped: SkipReason } | { skipped: null; revealed: RevealedSpec };

/**
 * Runs check jobs of two shapes. A batch (`checks`, from the scheduler) holds the slots of one shard
 * and window: each runs at its own planned time, alone, and the job completes once every result is
 * durable. A single check (`check`: check now, confirmations, jobs queued by older releases) runs as
 * one. Either way each result row and its verifier poke go through the writer, batched with other
 * jobs': one verify job per written batch names its monitors, and a re-run only makes the verifier
 * read results it has already consumed.
 */
export function createCheckProcessor(deps: CheckProcessorDeps) {
  const inFlight = deps.checksInFlight ?? unbounded;
  const now = () => deps.context.now().getTime();
  // Only the rare warning paths log: no child logger is built per check.
  const log = (job: Job) => deps.logger.child({ jobId: job.id });

  /** A job queued before its monitor was paused, deleted or edited is not run with the old settings. */
  async function prepare(data: CheckJob): Promise<Prepared> {
    const skipped = await deps.versions?.skipReason(data);
    if (skipped) {
      deps.metrics.skippedJobs.inc({ reason: skipped });
      return { skipped };
    }
    return { skipped: null, revealed: await (deps.secrets ?? noSecrets).reveal(data.spec) };
  }

  /** Waits until the reference clock shows `plannedMs` (a timer may fire a millisecond early). */
  async function untilPlanned(plannedMs: number): Promise<void> {
    for (let wait = waitBeforeRunMs(plannedMs, now()); wait > 0; wait = waitBeforeRunMs(plannedMs, now()))
      await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** Runs one check now, with a place among the checks in flight, and hands its result to the writer. */
  async function execute(job: Job, data: CheckJob, revealed: RevealedSpec): Promise<boolean> {
    const { spec } = data;
    await inFlight.acquire();
    const checkedAt = deps.context.now();
    const started = performance.now();
    let outcome: Awaited<ReturnType<CheckRunner>>;
    try {
      outcome = revealed.ok
        ? scrubOutcome(await deps.runCheck(revealed.spec, deps.context), revealed.secrets)
        : failedOutcome({ kind: 'internal', message: revealed.message });
    } catch (error) {
      outcome = failedOutcome({
        kind: 'internal',
        message: `check crashed: ${error instanceof Error ? error.message : String(error)}`,
      });
    } finally {
      inFlight.release();
    }
    deps.metrics.checkDuration.observe({ type: spec.type }, (performance.now() - started) / 1000);
    deps.metrics.checks.inc({
      type: spec.type,
      result: outcome.ok ? 'ok' : 'failed',
      error_kind: outcome.error?.kind ?? 'none',
    });
    if (outcome.error?.kind === 'internal') {
      log(job).warn({ monitorId: spec.id, error: outcome.error }, 'check failed internally');
    }

    await deps.writer.write(
      {
        ...outcome,
        orgId: spec.orgId,
        monitorId: spec.id,
        scheduledAt: new Date(data.scheduledAtMs),
        checkedAt,
        region: data.region,
        kind: data.kind,
        attempt: data.attempt,
      },
      verifyPoke(spec.orgId, spec.id, data.requestId),
    );
    return outcome.ok;
  }

  async function processSingle(job: Job): Promise<{ ok: boolean; skipped?: SkipReason }> {
    const data = parsePayload(checkJobSchema, job, deps.region);
    const prepared = await prepare(data);
    if (prepared.skipped) return { ok: false, skipped: prepared.skipped };
    // Taken before its planned time (a worker clock ahead hands delayed jobs out early): wait for it,
    // unless someone asked for the slot to run now.
    if (!data.runNow && waitBeforeRunMs(data.scheduledAtMs, now()) > 0) {
      deps.metrics.earlyJobs.inc();
      await untilPlanned(data.scheduledAtMs);
    }
    return { ok: await execute(job, data, prepared.revealed) };
  }

  async function processBatch(job: Job): Promise<BatchSummary> {
    const batch = parsePayload(checkBatchJobSchema, job, deps.region);
    const summary: BatchSummary = {
      checks: batch.checks.length,
      ok: 0,
      failed: 0,
      skipped: 0,
      invalid: 0,
      alreadyDone: 0,
    };
    // Each entry's spec is checked on its own: one that does not parse is not run, the rest are.
    let checks: CheckJob[] = [];
    let firstIssue = '';
    for (const entry of batch.checks) {
      const spec = checkSpecSchema.safeParse(entry.spec);
      if (!spec.success) {
        summary.invalid++;
        firstIssue ||= describeIssues(spec.error.issues);
        continue;
      }
      checks.push({
        spec: spec.data,
        scheduledAtMs: entry.scheduledAtMs,
        region: batch.region,
        kind: batch.kind,
        attempt: 0,
        ...(entry.configVersion === undefined ? {} : { configVersion: entry.configVersion }),
      });
    }
    if (summary.invalid > 0) {
      deps.metrics.invalidJobs.inc(summary.invalid);
      log(job).warn({ invalid: summary.invalid, issue: firstIssue }, 'skipping invalid checks of a batch');
    }
    // Run again, only the slots without a durable result are checked again. Should Postgres not
    // answer, every slot runs: the result's unique key keeps the first row of each.
    if (isRedelivery(job) && deps.db) {
      const done = await durableSlots(deps.db, checks).catch((error: unknown) => {
        log(job).warn({ err: error }, 'cannot read which slots of a batch have results; running them all');
        return new Set<string>();
      });
      checks = checks.filter((c) => !done.has(slotKey(c.spec.id, c.scheduledAtMs)));
      summary.alreadyDone = summary.checks - summary.invalid - checks.length;
    }
    checks.sort((a, b) => a.scheduledAtMs - b.scheduledAtMs);
    // All at once, so the monitor versions and secrets of the batch are read in one query each.
    const prepared = await Promise.all(checks.map(prepare));
    // Handed out before its earliest slot (a worker clock ahead): every check of it waits longer.
    const early = checks[0] && waitBeforeRunMs(checks[0].scheduledAtMs, now()) > 0;
    const runs: Promise<void>[] = [];
    let writeError: unknown = null;
    // One timer at a time: each check starts at its own planned time and runs beside the others.
    for (const [i, data] of checks.entries()) {
      const ready = prepared[i] as Prepared;
      if (ready.skipped) {
        summary.skipped++;
        continue;
      }
      await untilPlanned(data.scheduledAtMs);
      if (early) deps.metrics.earlyJobs.inc();
      runs.push(
        execute(job, data, ready.revealed).then(
          (ok) => {
            if (ok) summary.ok++;
            else summary.failed++;
          },
          (error: unknown) => {
            writeError ??= error;
          },
        ),
      );
    }
    await Promise.all(runs);
    // A result that could not be made durable fails the job; its retry runs only the slots missing.
    if (writeError !== null) throw writeError;
    return summary;
  }

  return (job: Job): Promise<{ ok: boolean; skipped?: SkipReason } | BatchSummary> =>
    (job.name === CHECK_BATCH_JOB ? processBatch(job) : processSingle(job)).catch((error: unknown) => {
      if (error instanceof UnrecoverableError) {
        deps.metrics.invalidJobs.inc();
        log(job).warn({ err: error }, 'rejecting invalid check job');
      }
      throw error;
    });
}

/**
 * Jobs taken at once when not set: a batch is held until its slowest check ends, so every check
 * place may belong to a different job, and more jobs wait for their slots' time meanwhile.
 */
export const defaultJobConcurrency = (concurrency: number) => concurrency + 64;

/**
 * A BullMQ worker on the region's check queue. `concurrency` bounds the checks running at once
 * across all jobs; `jobConcurrency` the jobs taken at once (a batch waits for its later slots while
 * holding its job). The job lock is short (it is renewed while a job runs), so the jobs of a worker
 * that died are picked up again within seconds; a job may stall a few times before it is failed,
 * since its results are written once whatever happens.
 */
export function startCheckWorker(
  deps: CheckProcessorDeps & {
    connection: RedisClient;
    prefix: string;
    concurrency: number;
    jobConcurrency?: number;
    lockDurationMs?: number;
  },
): Worker {
  const lockDuration = deps.lockDurationMs ?? 10_000;
  const name = checkQueueName(deps.region);
  const processor = createCheckProcessor({
    ...deps,
    checksInFlight: deps.checksInFlight ?? new Semaphore(deps.concurrency),
  });
  const worker = new Worker(name, processor, {
    connection: deps.connection,
    prefix: queuePrefix(deps.connection, deps.prefix, name),
    concurrency: deps.jobConcurrency ?? defaultJobConcurrency(deps.concurrency),
    lockDuration,
    stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
    maxStalledCount: 3,
  });
  const log = deps.logger.child({ component: 'check-worker', region: deps.region });
  worker.on('failed', (job, error) => {
    log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: error }, 'check job failed');
  });
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  return worker;
}
