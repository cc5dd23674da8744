import { type Db, ensureResultPartitions } from '@sentinelmesh/db';
import type { Logger } from './logger';

const HOUR_MS = 3_600_000;
const DAYS_AHEAD = 7;

/**
 * Keeps the day partitions of `check_results` a week ahead (plain Postgres; a no-op under TimescaleDB):
 * once now, then every `everyMs` (an hour). Every long-running app does it, so no single one must be up
 * for results to land in their day's partition; a failure is logged and retried on the next round,
 * since rows of a missing day wait in the default partition meanwhile. Safe to run concurrently.
 */
export async function keepResultPartitions(options: {
  db: Db;
  logger: Logger;
  everyMs?: number;
  now?: () => Date;
}): Promise<{ stop: () => Promise<void> }> {
  const { db, logger, everyMs = HOUR_MS, now = () => new Date() } = options;
  let running: Promise<unknown> = Promise.resolve();
  const ensure = () => {
    running = ensureResultPartitions(db, now(), DAYS_AHEAD).catch((error: unknown) =>
      logger.error({ err: error }, 'could not create result partitions'),
    );
    return running;
  };
  await ensure();
  const timer = setInterval(ensure, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
