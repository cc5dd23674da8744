import { CONFIRMATION_GRACE_MS, type VerifyJob } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';

export interface OverdueMonitor extends VerifyJob {
  awaitingMs: number;
}

/**
 * Monitors (of every organization: a system sweep) held past their wake time (an awaited
 * confirmation or a slot missing regions), so a verification moves them on even when no further
 * result pokes them. Memory from before `wakeAtMs` existed is read through its awaited confirmation.
 */
export async function findOverdueConfirmations(
  db: Db,
  nowMs: number,
  limit = 500,
): Promise<OverdueMonitor[]> {
  const planned = sql<number>`coalesce(
    (s.machine ->> 'wakeAtMs')::bigint,
    (s.machine -> 'awaiting' ->> 'scheduledAtMs')::bigint + (m.config ->> 'timeoutMs')::bigint + ${CONFIRMATION_GRACE_MS}
  )`;
  const rows = await db
    .selectFrom('monitor_state as s')
    .innerJoin('monitors as m', (join) =>
      join.onRef('m.id', '=', 's.monitor_id').onRef('m.org_id', '=', 's.org_id'),
    )
    .select(['s.monitor_id', 's.org_id', planned.as('awaiting_ms')])
    .where(sql<boolean>`${planned} < ${nowMs}`)
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    orgId: row.org_id,
    monitorId: row.monitor_id,
    awaitingMs: Number(row.awaiting_ms),
  }));
}
