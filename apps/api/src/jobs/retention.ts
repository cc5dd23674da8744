import { type Db, dropExpiredResults } from '@sentinelmesh/db';
import type { Logger } from '@sentinelmesh/platform';
import { RESULTS_RETAINED_FROM_KEY } from '../services/stats';
import { DAY_MS } from '../stats/windows';
import { runEvery } from './every';

/**
 * Removes raw check results older than `retentionDays` on either engine (whole days) and the
 * screenshots of those slots, then records the horizon so stats read the hours before it from the
 * rollups. Safe on several API replicas at once: one takes the lock and works, the others return null.
 */
export async function runRetention(db: Db, now: Date, retentionDays: number): Promise<string[] | null> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const dropped = await dropExpiredResults(db, cutoff);
  if (dropped === null) return null;
  // Screenshots live as long as the results they belong to.
  await db.deleteFrom('check_artifacts').where('scheduled_at', '<', cutoff).execute();
  const value = cutoff.toISOString();
  await db
    .insertInto('meta')
    .values({ key: RESULTS_RETAINED_FROM_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }).where('meta.value', '<', value))
    .execute();
  return dropped;
}

/** Runs the retention every `intervalMs` in this process; failures are logged and retried next time. */
export function startRetentionJob(options: {
  db: Db;
  logger: Logger;
  intervalMs: number;
  retentionDays: number;
  now?: () => Date;
}) {
  const now = options.now ?? (() => new Date());
  return runEvery({
    intervalMs: options.intervalMs,
    logger: options.logger,
    failure: 'retention job failed',
    run: async () => {
      const dropped = await runRetention(options.db, now(), options.retentionDays);
      if (dropped?.length) options.logger.info({ dropped }, 'old check results dropped');
    },
  });
}
