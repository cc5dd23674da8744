import {
  type CheckJob,
  type ConfirmationRequest,
  checkQueueName,
  confirmationJobId,
  jobPolicies,
  type StoredMonitorConfig,
  toCheckSpec,
} from '@sentinelmesh/core';
import type { QueueSet } from '../queues';

export interface ConfirmationJob {
  queue: string;
  jobId: string;
  data: CheckJob;
  delay: number;
}

/** One re-check per region the monitor runs in and this deployment serves, due at the planned time. */
export function confirmationJobs(input: {
  orgId: string;
  monitorId: string;
  config: StoredMonitorConfig;
  request: ConfirmationRequest;
  regions: readonly string[];
  nowMs: number;
  requestId?: string;
  /** The configuration's version: a worker skips the re-check once the monitor has changed. */
  configVersion?: number;
}): ConfirmationJob[] {
  const { orgId, monitorId, config, request, configVersion } = input;
  const spec = toCheckSpec(orgId, monitorId, config, configVersion);
  return config.regions
    .filter((region) => input.regions.includes(region))
    .map((region) => ({
      queue: checkQueueName(region),
      jobId: confirmationJobId(monitorId, request.scheduledAtMs, request.attempt, region),
      delay: Math.max(0, request.scheduledAtMs - input.nowMs),
      data: {
        spec,
        scheduledAtMs: request.scheduledAtMs,
        region,
        kind: 'confirmation',
        attempt: request.attempt,
        ...(configVersion === undefined ? {} : { configVersion }),
        ...(input.requestId ? { requestId: input.requestId } : {}),
      },
    }));
}

export async function enqueueConfirmations(
  queues: QueueSet,
  jobs: readonly ConfirmationJob[],
): Promise<void> {
  await Promise.all(
    jobs.map((job) =>
      queues
        .get(job.queue)
        .add('confirmation', job.data, { ...jobPolicies.check, jobId: job.jobId, delay: job.delay }),
    ),
  );
}
