import type { Logger } from '@sentinelmesh/platform';

/** The database's clock as seen from this process: its own wall clock plus a sampled offset. */
export interface ReferenceClock {
  now(): number;
}

/** How far ahead of the reference clock a job may be taken and still wait for its planned time. */
export const MAX_EARLY_WAIT_MS = 30_000;

/**
 * Keeps the offset between this process's wall clock and the database's, sampled now and every
 * `refreshMs` (half the round trip is the error bound). A worker whose clock is off still checks
 * at the planned time and stamps `checked_at` on the clock every other process uses.
 */
export function createReferenceClock(input: {
  /** Reads the database's clock (`SELECT clock_timestamp()`). */
  sample: () => Promise<Date>;
  logger: Logger;
  refreshMs?: number;
  localNow?: () => number;
}) {
  const localNow = input.localNow ?? Date.now;
  let offsetMs = 0;
  let timer: NodeJS.Timeout | null = null;

  async function sync(): Promise<void> {
    const sent = localNow();
    const reference = (await input.sample()).getTime();
    const received = localNow();
    offsetMs = reference - (sent + received) / 2;
  }

  const syncLogged = () =>
    sync().catch((error: unknown) =>
      input.logger.warn({ err: error }, 'could not read the database clock; keeping the last offset'),
    );

  return {
    now: () => localNow() + offsetMs,
    offsetMs: () => offsetMs,
    sync,
    /** Samples once, then every `refreshMs` in the background. */
    async start(): Promise<void> {
      await syncLogged();
      timer = setInterval(syncLogged, input.refreshMs ?? 60_000);
      timer.unref();
    },
    close(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

/**
 * How long to wait before running a job planned at `plannedMs`: BullMQ hands delayed jobs out by the
 * clock of the worker that asks, so a worker whose clock runs ahead takes them early for the whole
 * region. A job further ahead than `MAX_EARLY_WAIT_MS` is not a clock matter and runs at once.
 */
export function waitBeforeRunMs(plannedMs: number, nowMs: number): number {
  const early = plannedMs - nowMs;
  return early > 0 && early <= MAX_EARLY_WAIT_MS ? early : 0;
}
