import { type Db, insertHourlyRollups, resultStorage } from '@sentinelmesh/db';
import type { Logger } from '@sentinelmesh/platform';
import { sql } from 'kysely';
import { ROLLUPS_THROUGH_KEY } from '../services/stats';
import { DAY_MS, HOUR_MS } from '../stats/windows';
import { runEvery } from './every';

// Results are written seconds after their slot; an hour is rolled up once it is this far behind.
const GRACE_MS = 2 * 60_000;
// Each run recomputes the last hours it already rolled, for results that arrived while it ran; results
// for older hours are added by the check_results_count_late trigger (0008-engines).
const RECOMPUTE_MS = 2 * HOUR_MS;
const LOCK_KEY = sql`hashtext('sentinelmesh:rollups-hourly')`;
// A backlog (the first run over old results) is worked off a week per run, so a run stays short.
const MAX_SPAN_MS = 7 * DAY_MS;

/**
 * Brings check_rollups_hourly up to the last complete hour (plain Postgres; with TimescaleDB the
 * continuous aggregate does this). Results of a deleted monitor are left out: the rollups reference
 * monitors. Any number of API processes may run it: an advisory lock lets one
 * at a time work, the others skip. Returns the new watermark, or null when it did nothing.
 */
export async function runRollups(db: Db, now: Date): Promise<Date | null> {
  if ((await resultStorage(db)) === 'timescale') return null;
  return db.transaction().execute(async (tx) => {
    const lock = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS locked`.execute(tx);
    if (!lock.rows[0]?.locked) return null;
    const complete = Math.floor((now.getTime() - GRACE_MS) / HOUR_MS) * HOUR_MS;
    const mark = await tx
      .selectFrom('meta')
      .select('value')
      .where('key', '=', ROLLUPS_THROUGH_KEY)
      .executeTakeFirst();
    let start: number;
    if (mark) {
      start = Date.parse(mark.value) - RECOMPUTE_MS;
    } else {
      const first = await tx
        .selectFrom('check_results')
        .select((eb) => eb.fn.min('scheduled_at').as('first'))
        .executeTakeFirst();
      const firstAt = first?.first ? new Date(first.first as Date).getTime() : complete;
      start = Math.floor(firstAt / HOUR_MS) * HOUR_MS;
    }
    const target = Math.min(complete, start + MAX_SPAN_MS);
    if (start >= target) return null;
    await tx
      .deleteFrom('check_rollups_hourly')
      .where('hour', '>=', new Date(start))
      .where('hour', '<', new Date(target))
      .execute();
    // A day at a time, so a long backlog never becomes one giant sort.
    for (let from = start; from < target; from += DAY_MS) {
      const to = Math.min(from + DAY_MS, target);
      await insertHourlyRollups(tx, { from: new Date(from), to: new Date(to) });
    }
    const through = new Date(target);
    await tx
      .insertInto('meta')
      .values({ key: ROLLUPS_THROUGH_KEY, value: through.toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: through.toISOString() }))
      .execute();
    return through;
  });
}

/** Runs the rollups until they reach the last complete hour (a long backlog takes several runs). */
export async function catchUpRollups(db: Db, now: Date): Promise<Date | null> {
  const complete = Math.floor((now.getTime() - GRACE_MS) / HOUR_MS) * HOUR_MS;
  let through: Date | null = null;
  do {
    through = await runRollups(db, now);
  } while (through && through.getTime() < complete);
  return through;
}

/** Runs the rollups every `intervalMs` in this process; failures are logged and retried next time. */
export function startRollupJob(options: { db: Db; logger: Logger; intervalMs: number; now?: () => Date }) {
  const now = options.now ?? (() => new Date());
  return runEvery({
    intervalMs: options.intervalMs,
    logger: options.logger,
    failure: 'rollup job failed',
    run: async () => {
      const through = await runRollups(options.db, now());
      if (through) options.logger.debug({ through: through.toISOString() }, 'rollups refreshed');
    },
  });
}
