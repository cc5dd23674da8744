import { performance } from 'node:perf_hooks';
import {
  type CheckJob,
  checkJobSchema,
  checkQueueName,
  hasMasks,
  jobPolicies,
  type VerifyJob,
  verifyDeduplication,
  verifyJobId,
} from '@sentinelmesh/core';
import { type Logger, queuePrefix, type RedisClient } from '@sentinelmesh/platform';
import { type Job, type Queue, UnrecoverableError, Worker } from 'bullmq';
import type { CheckContext, CheckRunner } from './checks/index';
import { failedOutcome } from './checks/outcome';
import type { WorkerMetrics } from './metrics';
import { type SecretSource, scrubOutcome } from './monitor-secrets';
import type { MonitorVersions, SkipReason } from './monitor-versions';
import { waitBeforeRunMs } from './reference-clock';
import type { ResultWriter } from './result-writer';

/** The verifier's poke for one result, added with the rest of its batch once the rows are durable. */
export interface VerifyPoke {
  name: 'verify';
  data: VerifyJob;
  opts: typeof jobPolicies.verify & { jobId: string; deduplication: ReturnType<typeof verifyDeduplication> };
}

/** Adds a batch's pokes in one round trip (BullMQ pipelines `addBulk`). */
export const addPokes = (verifyQueue: Queue<VerifyJob>) => async (pokes: VerifyPoke[]) => {
  await verifyQueue.addBulk(pokes);
};

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
}

const noSecrets: SecretSource = {
  reveal: async (spec) =>
    hasMasks(spec)
      ? { ok: false, message: 'this worker cannot open monitor secrets' }
      : { ok: true, spec, secrets: null },
};

/** Parses a job's payload; a payload that can never succeed fails the job without retries. */
function parseJob(job: Job, region: string): CheckJob {
  const parsed = checkJobSchema.safeParse(job.data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new UnrecoverableError(`invalid check job: ${issues.join('; ')}`);
  }
  if (parsed.data.region !== region) {
    throw new UnrecoverableError(`check job for region ${parsed.data.region} in the queue of ${region}`);
  }
  return parsed.data;
}

/**
 * Runs one check job: the check, then its result row and the verifier's poke, both batched with
 * other jobs' by the writer. The job completes only once the row is durable and the poke queued;
 * the poke is keyed by the slot (and deduplicated per monitor), so a re-run adds nothing new.
 */
export function createCheckProcessor(deps: CheckProcessorDeps) {
  return async (job: Job): Promise<{ ok: boolean; skipped?: SkipReason }> => {
    // Only the rare warning paths log: no child logger is built per check.
    const log = () => deps.logger.child({ jobId: job.id });
    let data: CheckJob;
    try {
      data = parseJob(job, deps.region);
    } catch (error) {
      deps.metrics.invalidJobs.inc();
      log().warn({ err: error }, 'rejecting invalid check job');
      throw error;
    }
    // A job queued before its monitor was paused, deleted or edited is not run with the old settings.
    const skipped = await deps.versions?.skipReason(data);
    if (skipped) {
      deps.metrics.skippedJobs.inc({ reason: skipped });
      return { ok: false, skipped };
    }
    const { spec } = data;
    const revealed = await (deps.secrets ?? noSecrets).reveal(spec);
    // Taken before its planned time (a worker clock ahead hands delayed jobs out early): wait for it,
    // unless someone asked for the slot to run now.
    const early = data.runNow ? 0 : waitBeforeRunMs(data.scheduledAtMs, deps.context.now().getTime());
    if (early > 0) {
      deps.metrics.earlyJobs.inc();
      // A timer can fire a millisecond before the clock shows the planned time: wait until it does.
      for (
        let wait = early;
        wait > 0;
        wait = waitBeforeRunMs(data.scheduledAtMs, deps.context.now().getTime())
      )
        await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const checkedAt = deps.context.now();
    const started = performance.now();
    const outcome = revealed.ok
      ? scrubOutcome(await deps.runCheck(revealed.spec, deps.context), revealed.secrets)
      : failedOutcome({ kind: 'internal', message: revealed.message });
    deps.metrics.checkDuration.observe({ type: spec.type }, (performance.now() - started) / 1000);
    deps.metrics.checks.inc({
      type: spec.type,
      result: outcome.ok ? 'ok' : 'failed',
      error_kind: outcome.error?.kind ?? 'none',
    });
    if (outcome.error?.kind === 'internal') {
      log().warn({ monitorId: spec.id, error: outcome.error }, 'check failed internally');
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
      {
        name: 'verify',
        data: {
          orgId: spec.orgId,
          monitorId: spec.id,
          ...(data.requestId ? { requestId: data.requestId } : {}),
        },
        opts: {
          ...jobPolicies.verify,
          jobId: verifyJobId(spec.id, data.scheduledAtMs, data.region, data.kind),
          deduplication: verifyDeduplication(spec.id),
        },
      },
    );
    return { ok: outcome.ok };
  };
}

/**
 * A BullMQ worker on the region's check queue. The job lock is short (it is renewed while a check
 * runs), so the jobs of a worker that died are picked up again within seconds; a job may stall a
 * few times before it is failed, since its result is written once whatever happens.
 */
export function startCheckWorker(
  deps: CheckProcessorDeps & {
    connection: RedisClient;
    prefix: string;
    concurrency: number;
    lockDurationMs?: number;
  },
): Worker {
  const lockDuration = deps.lockDurationMs ?? 10_000;
  const name = checkQueueName(deps.region);
  const worker = new Worker(name, createCheckProcessor(deps), {
    connection: deps.connection,
    prefix: queuePrefix(deps.connection, deps.prefix, name),
    concurrency: deps.concurrency,
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
