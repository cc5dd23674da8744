import {
  CHECK_BATCH_JOB,
  type CheckJob,
  checkBatchJobSchema,
  checkJobSchema,
  checkSpecSchema,
} from '@sentinelmesh/core';
import type { Job } from 'bullmq';

/** The slots of one check job as a probe region's gateway reads them, or why the job is unusable. */
export type JobSlots = { ok: true; slots: CheckJob[]; invalid: number } | { ok: false; reason: string };

/**
 * Reads a job of either shape the worker runs (a scheduler batch `checks`, or a single `check`).
 * Each entry of a batch is checked on its own, as the worker does: one that does not parse is
 * counted and left out, the rest go on.
 */
export function slotsOfJob(job: Job, region: string): JobSlots {
  if (job.name === CHECK_BATCH_JOB) {
    const batch = checkBatchJobSchema.safeParse(job.data);
    if (!batch.success) return { ok: false, reason: 'invalid check batch payload' };
    if (batch.data.region !== region) return { ok: false, reason: `a job of ${batch.data.region}` };
    const slots: CheckJob[] = [];
    let invalid = 0;
    for (const entry of batch.data.checks) {
      const spec = checkSpecSchema.safeParse(entry.spec);
      if (!spec.success) {
        invalid++;
        continue;
      }
      slots.push({
        spec: spec.data,
        scheduledAtMs: entry.scheduledAtMs,
        region,
        kind: batch.data.kind,
        attempt: 0,
        ...(entry.configVersion === undefined ? {} : { configVersion: entry.configVersion }),
      });
    }
    return { ok: true, slots, invalid };
  }
  const single = checkJobSchema.safeParse(job.data);
  if (!single.success) return { ok: false, reason: 'invalid check job payload' };
  if (single.data.region !== region) return { ok: false, reason: `a job of ${single.data.region}` };
  return { ok: true, slots: [single.data], invalid: 0 };
}
