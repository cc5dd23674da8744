import type { Db } from '@sentinelmesh/db';
import type { QueueSet } from '../queues';
import { enqueueNotifications, type NotifyPolicy } from './notify-jobs';

/**
 * Adds the notification job again for alerts still pending after `olderThanMs` (of every
 * organization: a system sweep). It covers a crash between the commit and the enqueue; for a
 * job that still exists the same job id makes the add a no-op.
 */
export async function sweepPendingAlerts(
  db: Db,
  queues: QueueSet,
  input: { nowMs: number; olderThanMs: number; policy?: NotifyPolicy; limit?: number },
): Promise<number> {
  const rows = await db
    .selectFrom('alerts')
    .select(['id', 'org_id'])
    .where('status', '=', 'pending')
    .where('created_at', '<', new Date(input.nowMs - input.olderThanMs))
    .orderBy('created_at')
    .limit(input.limit ?? 500)
    .execute();
  await enqueueNotifications(
    queues,
    rows.map((row) => ({ orgId: row.org_id, alertId: row.id })),
    input.policy,
  );
  return rows.length;
}
