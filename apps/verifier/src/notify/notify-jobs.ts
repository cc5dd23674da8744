import { jobPolicies, NOTIFY_QUEUE, type NotifyJob, notifyJobId } from '@sentinelmesh/core';
import type { JobsOptions } from 'bullmq';
import type { QueueSet } from '../queues';

/** Overrides of the notification retry policy (tests use a short backoff; defaults come from the job catalog). */
export interface NotifyPolicy {
  attempts?: number;
  backoff?: { type: 'fixed' | 'exponential'; delay: number; jitter?: number };
}

export interface AlertRef {
  orgId: string;
  alertId: string;
}

export function notifyJobOptions(alertId: string, policy: NotifyPolicy = {}): JobsOptions {
  return {
    ...jobPolicies.notify,
    backoff: { ...jobPolicies.notify.backoff },
    ...policy,
    jobId: notifyJobId(alertId),
  };
}

/** Adds one notification job per alert; the job id is the alert's, so adding twice is harmless. */
export async function enqueueNotifications(
  queues: QueueSet,
  alerts: readonly AlertRef[],
  policy: NotifyPolicy = {},
  requestId?: string,
): Promise<void> {
  if (alerts.length === 0) return;
  await queues.get(NOTIFY_QUEUE).addBulk(
    alerts.map((alert) => {
      const data: NotifyJob = {
        orgId: alert.orgId,
        alertId: alert.alertId,
        ...(requestId ? { requestId } : {}),
      };
      return { name: 'notify', data, opts: notifyJobOptions(alert.alertId, policy) };
    }),
  );
}
