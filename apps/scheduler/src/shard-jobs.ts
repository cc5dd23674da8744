import {
  CHECK_BATCH_JOB,
  checkBatchJobId,
  jobPolicies,
  MAX_BATCH_SPAN_MS,
  MAX_CHECKS_PER_BATCH,
  slotAtOrBefore,
} from '@sentinelmesh/core';
import type { Queue } from 'bullmq';
import { monitorSpecJson } from './monitor-source';
import { planSlots } from './plan';
import { SerializedJobData } from './serialized-queue';
import {
  commitShardProgress,
  dueEntries,
  enqueuedThrough,
  type ShardEntry,
  type ShardState,
} from './shard-state';

export interface BatchCheckJob {
  name: typeof CHECK_BATCH_JOB;
  /** A `CheckBatchJob` (ADR 0026), written as JSON without building its objects. */
  data: SerializedJobData;
  /** How many checks (slots) it carries. */
  checks: number;
  /** Its earliest slot: the job is delayed until then, counted from when it is submitted. */
  firstSlotMs: number;
  /** `delay` is counted from the plan's `nowMs`; `submitShardJobs` counts it again when it submits. */
  opts: typeof jobPolicies.check & { jobId: string; delay: number };
}

/** One due slot of a monitor: its spec's JSON is shared by all its slots and regions in a plan. */
interface DueSlot {
  scheduledAtMs: number;
  spec: string;
  configVersion: number;
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
  const slotsByRegion = new Map<string, DueSlot[]>();
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
    // Written once per monitor and tick: every slot and region of it shares the text.
    const spec = monitorSpecJson(monitor);
    for (const region of monitor.regions) {
      if (!regions.has(region)) continue;
      let list = slotsByRegion.get(region);
      if (!list) {
        list = [];
        slotsByRegion.set(region, list);
      }
      for (const slot of plan.slots) {
        list.push({ scheduledAtMs: slot, spec, configVersion: monitor.version });
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

/**
 * A batch job's data as `JSON.stringify` writes a `CheckBatchJob` of these slots: the text the
 * worker reads, without an object per check built and thrown away.
 */
function batchJson(
  shard: number,
  region: string,
  slots: readonly DueSlot[],
  from: number,
  to: number,
): string {
  const checks: string[] = [];
  for (let i = from; i < to; i++) {
    const slot = slots[i] as DueSlot;
    checks.push(
      `{"spec":${slot.spec},"scheduledAtMs":${slot.scheduledAtMs},"configVersion":${slot.configVersion}}`,
    );
  }
  return `{"shard":${shard},"region":${JSON.stringify(region)},"kind":"scheduled","checks":[${checks.join(',')}]}`;
}

/** Cuts a region's due slots, in planned order, into batch jobs of bounded size and spread. */
function batchJobs(
  slots: DueSlot[],
  window: { shard: number; region: string; fromMs: number; untilMs: number },
  nowMs: number,
): BatchCheckJob[] {
  slots.sort((a, b) => a.scheduledAtMs - b.scheduledAtMs);
  const jobs: BatchCheckJob[] = [];
  let start = 0;
  for (let i = 1; i <= slots.length; i++) {
    const first = slots[start] as DueSlot;
    const next = slots[i];
    if (
      next &&
      i - start < MAX_CHECKS_PER_BATCH &&
      next.scheduledAtMs - first.scheduledAtMs < MAX_BATCH_SPAN_MS
    )
      continue;
    jobs.push({
      name: CHECK_BATCH_JOB,
      data: new SerializedJobData(batchJson(window.shard, window.region, slots, start, i)),
      checks: i - start,
      firstSlotMs: first.scheduledAtMs,
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

/**
 * Adds the planned jobs with `addBulk`; a job id that is already queued is deduplicated by BullMQ.
 * BullMQ counts a job's delay from when it is added, so each job's delay is counted again from
 * `nowMs()` just before: the time a tick spent on earlier shards (and their round trips) would
 * otherwise make every later job of the tick become available that much after its first slot.
 */
export async function submitShardJobs(
  plan: ShardPlan,
  queueFor: (region: string) => Queue,
  onSubmitted: (region: string, submitted: { jobs: number; checks: number }) => void,
  nowMs: () => number = Date.now,
): Promise<void> {
  for (const [region, jobs] of plan.jobsByRegion) {
    for (let i = 0; i < jobs.length; i += BULK_SIZE) {
      const chunk = jobs.slice(i, i + BULK_SIZE);
      const submittedAt = nowMs();
      for (const job of chunk) job.opts.delay = Math.max(0, job.firstSlotMs - submittedAt);
      await queueFor(region).addBulk(chunk);
      let checks = 0;
      for (const job of chunk) checks += job.checks;
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
