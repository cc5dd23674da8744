import { NOTIFY_QUEUE, notifyJobId } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { QueueSet } from '../queues';
import { type AlertRef, enqueueNotifications, type NotifyPolicy } from './notify-jobs';

export interface SweepInput {
  /** A pending alert this old (since created) is first looked at. */
  olderThanMs: number;
  /** The longest wait between two looks at the same alert (default 5 minutes). */
  maxDelayMs?: number;
  policy?: NotifyPolicy;
  limit?: number;
}

export interface SweepOutcome {
  /** Pending alerts looked at. */
  looked: number;
  /** Alerts whose job was gone: added again. */
  lost: number;
  /** Alerts whose job had given up without recording an outcome: its job replaced by a new one. */
  handedBack: number;
}

/**
 * Takes the pending alerts that are due a look (of every organization: a system sweep) and gives
 * each a job again when it has none, or only a finished one: a crash between the commit and the
 * enqueue, or a job that gave up without recording an attempt (its failed job would otherwise
 * keep the id taken for days). Each look pushes the alert's next one back (the sweep age,
 * doubling up to `maxDelayMs`), and the most overdue go first, so stuck alerts cannot starve newer
 * ones. Rows are claimed with SKIP LOCKED, so sweepers of several notifiers share the work.
 * Times are the database's.
 */
export async function sweepPendingAlerts(db: Db, queues: QueueSet, input: SweepInput): Promise<SweepOutcome> {
  const ageMs = input.olderThanMs;
  const maxDelayMs = Math.max(ageMs, input.maxDelayMs ?? 300_000);
  const due = sql`coalesce(next_sweep_at, created_at)`;
  const { rows } = await sql<{ id: string; org_id: string }>`
    UPDATE alerts AS a
    SET sweeps = a.sweeps + 1,
        next_sweep_at = now() + least(${ageMs}::float8 * power(2, least(a.sweeps, 30)), ${maxDelayMs}::float8)
          * interval '1 millisecond'
    FROM (
      SELECT id FROM alerts
      WHERE status = 'pending'
        AND ${due} <= now()
        AND coalesce(next_sweep_at, created_at + ${ageMs}::float8 * interval '1 millisecond') <= now()
      ORDER BY ${due}
      LIMIT ${input.limit ?? 500}
      FOR UPDATE SKIP LOCKED
    ) AS d
    WHERE a.id = d.id
    RETURNING a.id, a.org_id
  `.execute(db);

  const queue = queues.get(NOTIFY_QUEUE);
  const states = await Promise.all(rows.map((row) => queue.getJobState(notifyJobId(row.id))));
  const again: AlertRef[] = [];
  let handedBack = 0;
  for (const [i, row] of rows.entries()) {
    const state = states[i];
    if (state === 'failed' || state === 'completed') {
      // A finished job keeps its id; the new one can only be added once it is gone. One that was
      // taken up again meanwhile is locked and stays (remove answers 0).
      if ((await queue.remove(notifyJobId(row.id))) === 0) continue;
      handedBack += 1;
    } else if (state !== 'unknown') {
      continue;
    }
    again.push({ orgId: row.org_id, alertId: row.id });
  }
  await enqueueNotifications(queues, again, input.policy);
  return { looked: rows.length, lost: again.length - handedBack, handedBack };
}

/** Asks for a look at this alert at the next sweep: its job gave up without recording an outcome. */
export async function handBackAlert(db: Db, alert: AlertRef): Promise<void> {
  await db
    .updateTable('alerts')
    .set({ next_sweep_at: sql<Date>`now()` })
    .where('id', '=', alert.alertId)
    .where('org_id', '=', alert.orgId)
    .where('status', '=', 'pending')
    .execute();
}
