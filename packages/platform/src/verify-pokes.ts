import { jobPolicies, MAX_VERIFY_BATCH, type VerifyBatchJob, type VerifyJob } from '@sentinelmesh/core';
import type { Queue } from 'bullmq';

/** The verifier's poke for one written result: its monitor, and the request that asked for it if any. */
export type VerifyPoke = VerifyJob;

/** The poke of a result of `monitorId`; `requestId` when the check came from a traced request (check now). */
export function verifyPoke(orgId: string, monitorId: string, requestId?: string): VerifyPoke {
  return requestId ? { orgId, monitorId, requestId } : { orgId, monitorId };
}

/**
 * The verify jobs of one batch of written results: each monitor named once (its first request id
 * kept), in one job unless the batch names more than a job may.
 */
export function verifyBatchJobs(pokes: readonly VerifyPoke[]): VerifyBatchJob[] {
  const byMonitor = new Map<string, VerifyPoke>();
  for (const poke of pokes) {
    const key = `${poke.orgId}/${poke.monitorId}`;
    const seen = byMonitor.get(key);
    if (!seen) byMonitor.set(key, poke);
    else if (!seen.requestId && poke.requestId) byMonitor.set(key, poke);
  }
  const monitors = [...byMonitor.values()];
  const jobs: VerifyBatchJob[] = [];
  for (let i = 0; i < monitors.length; i += MAX_VERIFY_BATCH) {
    jobs.push({ monitors: monitors.slice(i, i + MAX_VERIFY_BATCH) });
  }
  return jobs;
}

/**
 * Adds a written batch's pokes as one verify job (one Redis call). The job has no id of its own: a
 * re-run check adds another, and the verifier finds nothing new to consume in it.
 */
export const addPokes =
  (verifyQueue: Queue) =>
  async (pokes: VerifyPoke[]): Promise<void> => {
    const jobs = verifyBatchJobs(pokes);
    if (jobs.length === 1 && jobs[0]) await verifyQueue.add('verify-batch', jobs[0], jobPolicies.verify);
    else if (jobs.length > 1) {
      await verifyQueue.addBulk(
        jobs.map((data) => ({ name: 'verify-batch', data, opts: jobPolicies.verify })),
      );
    }
  };
