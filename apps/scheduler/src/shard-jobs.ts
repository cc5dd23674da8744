import {
  CHECK_BATCH_JOB,
  type CheckBatchEntry,
  type CheckBatchJob,
  checkBatchJobId,
  jobPolicies,
  MAX_BATCH_SPAN_MS,
  MAX_CHECKS_PER_BATCH,
  slotAtOrBefore,
} from '@sentinelmesh/core';
import type { Queue } from 'bullmq';
import { monitorSpec } from './monitor-source';
import { planSlots } from './plan';
import {
  commitShardProgress,
  dueEntries,
  enqueuedThrough,
  type ShardEntry,
  type ShardState,
} from './shard-state';

export interface BatchCheckJob {
  name: typeof CHECK_BATCH_JOB;
  data: CheckBatchJob;
  opts: typeof jobPolicies.check & { jobId: string; delay: number };
}

export interface ShardPlan {
  jobsByRegion: Map<string, BatchCheckJob[]>;
  missed: number;
  untilMs: number;
  /** The next slot after `untilMs` of each monitor planned, recorded once the plan is committed. */
  nextSlots: Map<ShardEntry, number>;
}

/**
 * The check jobs one shard needs for slots up to `untilMs`: per deployed region, the due slots of
 * all its monitors in batch jobs of at most `MAX_CHECKS_PER_BATCH` checks spread over at most
 * `MAX_BATCH_SPAN_MS`, each delayed until its earliest slot. A tick's window usually makes one job.
 */
export function planShardJobs(
  state: ShardState,
  options: {
    nowMs: number;
    untilMs: number;
    regions: { has(region: string): boolean };
    catchUpIntervals: number;
    catchUpMs?: number;
    maxCatchUpSlots?: number;
  },
): ShardPlan {
  const { nowMs, untilMs, regions, catchUpIntervals, catchUpMs, maxCatchUpSlots } = options;
  const slotsByRegion = new Map<string, CheckBatchEntry[]>();
  const nextSlots = new Map<ShardEntry, number>();
  let missed = 0;
  // Only the monitors with a slot due by `untilMs`: the others wait in later buckets of the wheel.
  for (const entry of dueEntries(state, untilMs)) {
    const { monitor } = entry;
    const plan = planSlots({
      monitorId: monitor.id,
      intervalSeconds: monitor.intervalSeconds,
      enqueuedThroughMs: enqueuedThrough(state, entry),
      nowMs,
      untilMs,
      catchUpIntervals,
      ...(catchUpMs === undefined ? {} : { catchUpMs }),
      ...(maxCatchUpSlots === undefined ? {} : { maxCatchUpSlots }),
    });
    missed += plan.missed;
    nextSlots.set(
      entry,
      slotAtOrBefore(monitor.id, monitor.intervalSeconds, untilMs) + monitor.intervalSeconds * 1000,
    );
    if (plan.slots.length === 0) continue;
    // Parsed once per monitor and tick: every slot and region of it shares the object.
    const spec = monitorSpec(monitor);
    for (const region of monitor.regions) {
      if (!regions.has(region)) continue;
      let list = slotsByRegion.get(region);
      if (!list) {
        list = [];
        slotsByRegion.set(region, list);
      }
      for (const slot of plan.slots) {
        list.push({ spec, scheduledAtMs: slot, configVersion: monitor.version });
      }
    }
  }
  const jobsByRegion = new Map<string, BatchCheckJob[]>();
  for (const [region, slots] of slotsByRegion) {
    const window = { shard: state.shard, region, fromMs: state.watermarkMs, untilMs };
    jobsByRegion.set(region, batchJobs(slots, window, nowMs));
  }
  return { jobsByRegion, missed, untilMs, nextSlots };
}

/** Cuts a region's due slots, in planned order, into batch jobs of bounded size and spread. */
function batchJobs(
  slots: CheckBatchEntry[],
  window: { shard: number; region: string; fromMs: number; untilMs: number },
  nowMs: number,
): BatchCheckJob[] {
  slots.sort((a, b) => a.scheduledAtMs - b.scheduledAtMs);
  const jobs: BatchCheckJob[] = [];
  let start = 0;
  for (let i = 1; i <= slots.length; i++) {
    const first = slots[start] as CheckBatchEntry;
    const next = slots[i];
    if (
      next &&
      i - start < MAX_CHECKS_PER_BATCH &&
      next.scheduledAtMs - first.scheduledAtMs < MAX_BATCH_SPAN_MS
    )
      continue;
    jobs.push({
      name: CHECK_BATCH_JOB,
      data: { shard: window.shard, region: window.region, kind: 'scheduled', checks: slots.slice(start, i) },
      opts: {
        ...jobPolicies.check,
        jobId: checkBatchJobId(window.shard, window.region, window.fromMs, window.untilMs, jobs.length),
        delay: Math.max(0, first.scheduledAtMs - nowMs),
      },
    });
    start = i;
  }
  return jobs;
}

/** Batch jobs per `addBulk` round trip (each carries up to `MAX_CHECKS_PER_BATCH` checks). */
const BULK_SIZE = 20;

/** Adds the planned jobs with `addBulk`; a job id that is already queued is deduplicated by BullMQ. */
export async function submitShardJobs(
  plan: ShardPlan,
  queueFor: (region: string) => Queue,
  onSubmitted: (region: string, submitted: { jobs: number; checks: number }) => void,
): Promise<void> {
  for (const [region, jobs] of plan.jobsByRegion) {
    for (let i = 0; i < jobs.length; i += BULK_SIZE) {
      const chunk = jobs.slice(i, i + BULK_SIZE);
      await queueFor(region).addBulk(chunk);
      let checks = 0;
      for (const job of chunk) checks += job.data.checks.length;
      onSubmitted(region, { jobs: chunk.length, checks });
    }
  }
}

/**
 * Takes back a submitted plan's jobs that no worker has taken yet: used when the plan turns out to
 * rest on a watermark Redis lost, so planning again from the older one does not queue them twice.
 */
export async function withdrawShardJobs(plan: ShardPlan, queueFor: (region: string) => Queue): Promise<void> {
  for (const [region, jobs] of plan.jobsByRegion) {
    const queue = queueFor(region);
    // A job already taken is locked and stays; its slots' results are written once whatever happens.
    await Promise.all(jobs.map((job) => queue.remove(job.opts.jobId).catch(() => 0)));
  }
}

/** Marks every entry of the shard as enqueued through the plan's end, and records the next slots. */
export function commitShardPlan(state: ShardState, plan: ShardPlan): void {
  commitShardProgress(state, plan.untilMs, plan.nextSlots);
}
