import {
  defaultResultLatenessMs,
  jobPolicies,
  liveEventsOfSteps,
  type ProbeProblem,
  VERIFY_QUEUE,
  type VerifyBatchJob,
  type VerifyJob,
  verifyQueueJobSchema,
  verifyRetryJobId,
} from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import {
  LiveEventBatch,
  type Logger,
  queuePrefix,
  type RedisClient,
  type Regions,
  regionSetOf,
} from '@sentinelmesh/platform';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { createVerifierMetrics, type VerifierMetrics } from './metrics';
import { enqueueNotifications, type NotifyPolicy } from './notify/notify-jobs';
import type { OncallSettings } from './oncall/settings';
import { QueueSet } from './queues';
import { VerifyBatcher } from './verify/batcher';
import { confirmationJobs, enqueueConfirmations } from './verify/confirmations';
import type { LateResult } from './verify/late-results';
import { findOverdueConfirmations } from './verify/overdue';
import { regionStatuses } from './verify/region-notices';
import { verifyMonitors } from './verify/verify-monitor';

export interface VerifierOptions {
  db: Db;
  connection: RedisClient;
  prefix: string;
  /** Regions this deployment runs: confirmations go only there. */
  regions: Regions;
  logger: Logger;
  /**
   * The time verifications decide at. Absent (as deployed): the database's clock, so verifiers whose
   * own clocks disagree decide alike. Tests pass a fixed clock.
   */
  clock?: () => number;
  metrics?: VerifierMetrics;
  /** Verify jobs in hand at once (default 64); a batch job brings many verifications. */
  concurrency?: number;
  /** The most monitors decided in one transaction (default 256). */
  maxBatch?: number;
  /** How often monitors with an overdue awaited confirmation are verified again. */
  tickIntervalMs?: number;
  /** Overrides of the notification retry policy, for the jobs this engine enqueues. */
  notifyPolicy?: NotifyPolicy;
  /** BullMQ lock of a verification in hand: after a crash, its job is retried once this has passed. */
  lockDurationMs?: number;
  /** How late past its timeout a result may arrive and still be judged in slot order (RESULT_LATENESS_MS). */
  resultLatenessMs?: number;
  /** Escalation policies' minute and acknowledge links; absent: alerts carry no link. */
  oncall?: OncallSettings;
}

/** What a batch job did: its monitors' verifications, and those that failed and were queued again alone. */
export interface BatchSummary {
  verified: VerificationSummary[];
  requeued: string[];
}

export interface VerificationSummary {
  verdicts: number;
  transitions: string[];
  alertIds: string[];
  confirmationJobIds: string[];
  held: number;
  /** Notices decided (events), in order. */
  notices: string[];
  /** Results counted late by this verification. */
  late: number;
  /** Region notices written (`<event>:<region>`), in order. */
  regionNotices: string[];
}

/** Verifier engine: consumes VERIFY_QUEUE, turns results into state, incidents and alerts. */
export function createVerifier(options: VerifierOptions) {
  const { db, connection, prefix } = options;
  const regionSet = regionSetOf(options.regions);
  const logger = options.logger.child({ component: 'verifier' });
  const decideAt = () => (options.clock ? options.clock() : null);
  const latenessMs = options.resultLatenessMs ?? defaultResultLatenessMs();
  const metrics = options.metrics ?? createVerifierMetrics(new Registry());
  const queues = new QueueSet(connection, prefix, logger);
  const concurrency = options.concurrency ?? 64;
  // Verifications in hand share transactions: a busy verifier decides many monitors per round trip.
  const batcher = new VerifyBatcher({
    run: (jobs) => verifyMonitors(db, jobs, decideAt(), regionSet.list(), latenessMs, options.oncall),
    maxBatch: options.maxBatch ?? 256,
    maxInFlight: 2,
  });
  let worker: Worker | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> | null = null;

  /** Counts every verdict with a lone failing region, and logs when such a probe problem starts or ends. */
  function reportProbeProblem(
    monitorId: string,
    before: ProbeProblem | null,
    after: ProbeProblem | null,
  ): ProbeProblem | null {
    for (const region of after?.regions ?? []) metrics.probeProblems.inc({ region });
    if (after && (!before || before.sinceMs !== after.sinceMs)) {
      logger.warn(
        { monitorId, regions: after.regions, cause: after.cause },
        'probe problem: failing in too few regions to count as an outage',
      );
    } else if (!after && before) {
      logger.info({ monitorId, regions: before.regions }, 'probe problem over');
    }
    return after;
  }

  /** Counts and logs results that arrived after their slot was judged without them. */
  function reportLate(monitorId: string, late: readonly LateResult[]) {
    if (late.length === 0) return;
    for (const result of late) metrics.resultsLate.inc({ region: result.region });
    logger.warn(
      { monitorId, late: late.slice(0, 10).map((r) => ({ ...r, scheduledAt: new Date(r.scheduledAtMs) })) },
      'results counted late: their slots were judged without them',
    );
  }

  const publisher = { redis: connection, prefix, logger };

  /**
   * Verifies one monitor until its unconsumed results are used up, then enqueues what it decided.
   * Its live events go into `live` when given (the caller publishes a batch's at once), else they are
   * published when it ends.
   */
  async function verify(job: VerifyJob, live?: LiveEventBatch): Promise<VerificationSummary> {
    if (!live) {
      const own = new LiveEventBatch();
      try {
        return await verify(job, own);
      } finally {
        await own.publish(publisher);
      }
    }
    const summary: VerificationSummary = {
      verdicts: 0,
      transitions: [],
      alertIds: [],
      confirmationJobIds: [],
      held: 0,
      notices: [],
      late: 0,
      regionNotices: [],
    };
    let previousProbe: ProbeProblem | null = null;
    for (;;) {
      const run = await batcher.verify(job);
      const nowMs = run.decidedAtMs;
      summary.verdicts += run.steps.length;
      summary.held = run.held;
      let probe: ProbeProblem | null = previousProbe;
      for (const step of run.steps) {
        metrics.verdicts.inc({ ok: String(step.verdict.ok) });
        probe = reportProbeProblem(job.monitorId, probe, step.probeProblem);
        if (step.notice) {
          summary.notices.push(step.notice.event);
          logger.info({ monitorId: job.monitorId, ...step.notice }, 'monitor notice');
        }
        if (!step.transition) continue;
        metrics.transitions.inc({ to: step.transition.to });
        summary.transitions.push(`${step.transition.from}->${step.transition.to}`);
        logger.info(
          {
            monitorId: job.monitorId,
            from: step.transition.from,
            to: step.transition.to,
            cause: step.transition.cause,
          },
          'monitor transition',
        );
      }
      previousProbe = probe;
      if (run.held > 0) metrics.heldResults.inc(run.held);
      if (run.inconclusive > 0) metrics.slotsInconclusive.inc(run.inconclusive);
      reportLate(job.monitorId, run.late);
      summary.late += run.late.length;
      for (const notice of run.regionNotices) {
        if (notice.event === 'region.degraded') metrics.regionDegraded.inc({ region: notice.region });
        metrics.regionsDegraded.set({ region: notice.region }, notice.event === 'region.degraded' ? 1 : 0);
        summary.regionNotices.push(`${notice.event}:${notice.region}`);
        logger.warn({ orgId: job.orgId, monitorId: job.monitorId, ...notice }, 'region notice');
      }
      for (const alert of run.alerts) metrics.alertsCreated.inc({ event: alert.event });
      // Only after the commit: a crash here leaves pending alerts for the sweeper and an awaited
      // confirmation that the overdue tick gives up on.
      await enqueueNotifications(queues, run.alerts, options.notifyPolicy, job.requestId);
      summary.alertIds.push(...run.alerts.map((a) => a.alertId));
      live.add(job.orgId, liveEventsOfSteps(job.monitorId, run.steps));
      if (run.confirmation && run.config) {
        const jobs = confirmationJobs({
          orgId: job.orgId,
          monitorId: job.monitorId,
          config: run.config,
          request: run.confirmation,
          regions: regionSet.list(),
          nowMs,
          ...(run.configVersion === undefined ? {} : { configVersion: run.configVersion }),
          ...(job.requestId ? { requestId: job.requestId } : {}),
        });
        await enqueueConfirmations(queues, jobs);
        metrics.confirmationsRequested.inc();
        summary.confirmationJobIds.push(...jobs.map((j) => j.jobId));
      }
      if (!run.more) return summary;
    }
  }

  /**
   * Verifies every monitor a batch job names; their verifications share transactions (the batcher).
   * A monitor whose verification fails is queued again alone, with the verify retry policy, so it
   * neither fails the others nor makes them run again. Live events go out once per organization.
   */
  async function verifyBatch(batch: VerifyBatchJob, batchJobId: string): Promise<BatchSummary> {
    const live = new LiveEventBatch();
    const settled = await Promise.allSettled(batch.monitors.map((monitor) => verify(monitor, live)));
    await live.publish(publisher);
    const verified: VerificationSummary[] = [];
    const failed: VerifyJob[] = [];
    settled.forEach((outcome, i) => {
      const monitor = batch.monitors[i] as VerifyJob;
      if (outcome.status === 'fulfilled') verified.push(outcome.value);
      else {
        failed.push(monitor);
        logger.warn(
          { err: outcome.reason, orgId: monitor.orgId, monitorId: monitor.monitorId, jobId: batchJobId },
          'verification failed; queued again alone',
        );
      }
    });
    if (failed.length > 0) {
      // Should this fail (Redis gone), the whole job is retried: the verified monitors find nothing new.
      await queues.get(VERIFY_QUEUE).addBulk(
        failed.map((monitor) => ({
          name: 'verify',
          data: monitor,
          opts: {
            ...jobPolicies.verify,
            jobId: verifyRetryJobId(batchJobId, monitor.monitorId),
            delay: jobPolicies.verify.backoff.delay,
          },
        })),
      );
      metrics.verificationsRequeued.inc(failed.length);
    }
    return { verified, requeued: failed.map((monitor) => monitor.monitorId) };
  }

  async function processJob(job: Job): Promise<VerificationSummary | BatchSummary> {
    const parsed = verifyQueueJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError('invalid verify job payload');
    }
    if ('monitors' in parsed.data) return verifyBatch(parsed.data, job.id ?? 'unknown');
    return verify(parsed.data);
  }

  /** Pokes every monitor whose awaited confirmation is overdue; returns how many were poked. */
  async function tick(): Promise<number> {
    for (const [region, degraded] of await regionStatuses(db)) {
      metrics.regionsDegraded.set({ region }, degraded ? 1 : 0);
    }
    const overdue = await findOverdueConfirmations(db, decideAt());
    if (overdue.length === 0) return 0;
    await queues.get(VERIFY_QUEUE).addBulk(
      overdue.map((m) => ({
        name: 'verify',
        data: { orgId: m.orgId, monitorId: m.monitorId } satisfies VerifyJob,
        // Deduplicated across verifier instances ticking at the same moment.
        opts: {
          jobId: `v-overdue-${m.monitorId}-${m.awaitingMs}`,
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
    return overdue.length;
  }

  function runTick() {
    if (ticking) return;
    ticking = tick()
      .catch((error: unknown) => logger.error({ err: error }, 'overdue confirmation tick failed'))
      .finally(() => {
        ticking = null;
      });
  }

  return {
    verify,
    verifyBatch,
    tick,
    start() {
      if (worker) return;
      worker = new Worker(VERIFY_QUEUE, processJob, {
        connection,
        prefix: queuePrefix(connection, prefix, VERIFY_QUEUE),
        concurrency,
        ...(options.lockDurationMs
          ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }
          : {}),
      });
      worker.on('error', (error) => logger.error({ err: error }, 'verify worker error'));
      worker.on('failed', (job, error) =>
        logger.warn({ err: error, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'verify job failed'),
      );
      timer = setInterval(runTick, options.tickIntervalMs ?? 5_000);
    },
    /** Stops taking jobs, finishes the ones in hand, then closes the queues it opened. */
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await worker?.close();
      worker = null;
      await ticking;
      await queues.close();
    },
  };
}

export type VerifierEngine = ReturnType<typeof createVerifier>;
