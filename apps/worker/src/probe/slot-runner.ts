import { type CheckOutcome, type CheckSpec, splitSecrets } from '@sentinelmesh/core';
import type { Logger } from '@sentinelmesh/platform';
import type { CheckContext, CheckRunner } from '../checks/index';
import { failedOutcome } from '../checks/outcome';
import { scrubOutcome } from '../monitor-secrets';
import { waitBeforeRunMs } from '../reference-clock';
import { Semaphore } from '../semaphore';
import { checkSpecSchema, type DueCheck, type WireResult } from './wire';

export interface SlotRunnerOptions {
  context: CheckContext;
  runCheck: CheckRunner;
  concurrency: number;
  /** Every result, as soon as its check ended. */
  onResult: (result: WireResult) => void;
  logger: Logger;
}

/** The last lags kept for the p99 the probe reports. */
const LAG_SAMPLES = 1_024;

/**
 * Runs the slots the gateway handed over, each at its planned time on the reference clock (the
 * context's `now`), at most `concurrency` at once, with the worker's executors. A spec arrives with
 * its secrets filled in; they are taken out of whatever the outcome reports, as the worker does.
 */
export function createSlotRunner(options: SlotRunnerOptions) {
  const places = new Semaphore(options.concurrency);
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const lags: number[] = [];
  let lagAt = 0;
  let completed = 0;
  let stopped = false;
  const log = options.logger.child({ component: 'slot-runner' });
  const now = () => options.context.now().getTime();

  function recordLag(ms: number) {
    lags[lagAt] = ms;
    lagAt = (lagAt + 1) % LAG_SAMPLES;
  }

  async function execute(due: DueCheck, spec: CheckSpec | null, plannedMs: number): Promise<void> {
    await places.acquire();
    const checkedAt = options.context.now();
    recordLag(Math.max(0, checkedAt.getTime() - plannedMs));
    let outcome: CheckOutcome;
    try {
      outcome = spec
        ? scrubOutcome(await options.runCheck(spec, options.context), splitSecrets(spec).secrets)
        : failedOutcome({ kind: 'internal', message: 'this probe cannot read the check spec it was handed' });
    } finally {
      places.release();
    }
    completed++;
    options.onResult({
      monitorId: due.monitorId,
      scheduledAt: due.scheduledAt,
      checkedAt: checkedAt.toISOString(),
      kind: due.kind,
      attempt: due.attempt,
      ok: outcome.ok,
      statusCode: outcome.statusCode,
      latencyMs: outcome.latencyMs,
      phases: { ...outcome.phases },
      certExpiresAt: outcome.certExpiresAt,
      error: outcome.error,
      failedAssertions: outcome.failedAssertions,
      ...(outcome.details ? { details: outcome.details } : {}),
    });
  }

  function start(due: DueCheck, spec: CheckSpec | null, plannedMs: number) {
    const run = execute(due, spec, plannedMs).catch((error: unknown) =>
      log.error({ monitorId: due.monitorId, err: error }, 'a slot could not be run'),
    );
    running.add(run);
    void run.finally(() => running.delete(run));
  }

  return {
    /** Plans each slot; a spec this probe cannot read still yields a result (failed, `internal`). */
    add(checks: DueCheck[]): void {
      for (const due of checks) {
        if (stopped) return;
        const parsed = checkSpecSchema.safeParse(due.spec);
        if (!parsed.success)
          log.warn(
            { monitorId: due.monitorId, issue: parsed.error.issues[0]?.message },
            'unreadable check spec',
          );
        const spec = parsed.success ? parsed.data : null;
        const plannedMs = Date.parse(due.scheduledAt);
        const wait = waitBeforeRunMs(plannedMs, now());
        if (wait === 0) {
          start(due, spec, plannedMs);
          continue;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          start(due, spec, plannedMs);
        }, wait);
        timers.add(timer);
      }
    },
    /** Slots waiting for their time, and checks under way. */
    get pending(): number {
      return timers.size + running.size;
    },
    /** Checks finished since the runner started. */
    get completed(): number {
      return completed;
    },
    /** The 99th percentile of how late the recent checks started, in ms. */
    lagP99Ms(): number {
      if (lags.length === 0) return 0;
      const sorted = [...lags].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] as number;
    },
    /**
     * Takes no more slots; the ones due within `graceMs` still run, later ones are given up and
     * counted (the verifier treats their slots as it treats any region that did not report).
     */
    async stop(graceMs: number): Promise<{ abandoned: number }> {
      stopped = true;
      const deadline = Date.now() + graceMs;
      while (timers.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const abandoned = timers.size;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
      return { abandoned };
    },
  };
}

export type SlotRunner = ReturnType<typeof createSlotRunner>;
