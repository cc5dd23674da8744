import type { VerifyJob } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';

export interface OverdueMonitor extends VerifyJob {
  awaitingMs: number;
}

/**
 * Monitors (of every organization: a system sweep) held past their wake time (an awaited
 * confirmation or a slot missing regions), so a verification moves them on even when no further
 * result pokes them. Compared with `atMs`, or with the database's clock when it is null.
 */
export async function findOverdueConfirmations(
  db: Db,
  atMs: number | null,
  limit = 500,
): Promise<OverdueMonitor[]> {
  const now = atMs === null ? sql<Date>`now()` : sql<Date>`${new Date(atMs)}::timestamptz`;
  const rows = await db
    .selectFrom('monitor_state')
    .select(['monitor_id', 'org_id', 'wake_at'])
    .where('wake_at', '<', now)
    .orderBy('wake_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    orgId: row.org_id,
    monitorId: row.monitor_id,
    awaitingMs: row.wake_at ? row.wake_at.getTime() : 0,
  }));
}
