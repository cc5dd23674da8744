import { type CheckJob, checkJobId, jobPolicies, slotAtOrBefore } from '@sentinelmesh/core';
import type { Queue } from 'bullmq';
import { planSlots } from './plan';
import type { ShardEntry, ShardState } from './shard-state';

export interface BulkCheckJob {
  name: 'check';
  data: CheckJob;
  opts: typeof jobPolicies.check & { jobId: string; delay: number };
}

export interface ShardPlan {
  jobsByRegion: Map<string, BulkCheckJob[]>;
  missed: number;
  untilMs: number;
  /** The next slot after `untilMs` of each monitor planned, recorded once the plan is committed. */
  nextSlots: Map<ShardEntry, number>;
}

/** The check jobs one shard needs for slots up to `untilMs`, one per slot and deployed region. */
export function planShardJobs(
  state: ShardState,
  options: {
    nowMs: number;
    untilMs: number;
    regions: ReadonlySet<string>;
    catchUpIntervals: number;
    catchUpMs?: number;
    maxCatchUpSlots?: number;
  },
): ShardPlan {
  const { nowMs, untilMs, regions, catchUpIntervals, catchUpMs, maxCatchUpSlots } = options;
  const jobsByRegion = new Map<string, BulkCheckJob[]>();
  const nextSlots = new Map<ShardEntry, number>();
  let missed = 0;
  for (const entry of state.entries.values()) {
    // Most monitors of a long interval have nothing due: skip them without any arithmetic.
    if (entry.nextSlotMs !== undefined && entry.nextSlotMs > untilMs) continue;
    const { monitor } = entry;
    const plan = planSlots({
      monitorId: monitor.id,
      intervalSeconds: monitor.intervalSeconds,
      enqueuedThroughMs: entry.enqueuedThroughMs,
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
    for (const region of monitor.regions) {
      if (!regions.has(region)) continue;
      let list = jobsByRegion.get(region);
      if (!list) {
        list = [];
        jobsByRegion.set(region, list);
      }
      for (const slot of plan.slots) {
        list.push({
          name: 'check',
          data: {
            spec: monitor.spec,
            scheduledAtMs: slot,
            region,
            kind: 'scheduled',
            attempt: 0,
            configVersion: monitor.version,
          },
          opts: {
            ...jobPolicies.check,
            jobId: checkJobId(monitor.id, slot, region),
            delay: Math.max(0, slot - nowMs),
          },
        });
      }
    }
  }
  return { jobsByRegion, missed, untilMs, nextSlots };
}

const BULK_SIZE = 500;

/** Adds the planned jobs with `addBulk`; a job id that is already queued is deduplicated by BullMQ. */
export async function submitShardJobs(
  plan: ShardPlan,
  queueFor: (region: string) => Queue,
  onSubmitted: (region: string, count: number) => void,
): Promise<void> {
  for (const [region, jobs] of plan.jobsByRegion) {
    for (let i = 0; i < jobs.length; i += BULK_SIZE) {
      const chunk = jobs.slice(i, i + BULK_SIZE);
      await queueFor(region).addBulk(chunk);
      onSubmitted(region, chunk.length);
    }
  }
}

/** Marks every entry of the shard as enqueued through the plan's end, and records the next slots. */
export function commitShardPlan(state: ShardState, plan: ShardPlan): void {
  state.watermarkMs = Math.max(state.watermarkMs, plan.untilMs);
  for (const entry of state.entries.values()) {
    entry.enqueuedThroughMs = Math.max(entry.enqueuedThroughMs, plan.untilMs);
  }
  for (const [entry, next] of plan.nextSlots) entry.nextSlotMs = next;
}
