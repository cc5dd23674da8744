/** What `runSchedulerScale` of scripts/bench/scheduler-scale.ts returns, and its printed table. */
export interface SchedulerScaleRow {
  monitors: number;
  slotsPerSec: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  /**
   * p99 of (when the scheduler enqueued a slot's job − the slot's time): the scheduler's own
   * lateness; negative means it was enqueued that far ahead. The lag columns add the queue's delivery.
   */
  enqueuedP99Ms: number | null;
  rssMiB: number | null;
  bytesPerMonitor: number | null;
  cpuPercent: number | null;
  startupSeconds: number | null;
  /**
   * Attribution of the lag (logged by the run, not in the table). p99 over the window's batch jobs
   * of (when the job was to become available, its enqueue time + delay − its first slot): lateness
   * the scheduler built into the delay.
   */
  dueLateP99Ms?: number | null;
  /** p99 of (taken by the consumer − when the job was to become available): the queue's delivery. */
  deliveryP99Ms?: number | null;
  /** The scheduler's event-loop delay p99 over the window (its metrics). */
  eventLoopP99Ms?: number | null;
  /** The bucket bound under which 99 % of the window's ticks finished (its metrics). */
  tickP99Ms?: number | null;
}

export interface SchedulerScaleOptions {
  monitors: number;
  seconds: number;
  warmupSeconds: number;
  /** `built` runs the compiled scheduler (after `pnpm build` or the bench's build), as production does. */
  run?: 'built' | 'source';
  /**
   * The scheduler's V8 heap bound (`--max-old-space-size`), as a deployment sized for these monitors
   * sets it (docs/operations.md, capacity model); 0 leaves V8's default, sized from the host's memory.
   */
  heapMiB?: number;
  /**
   * Runs the scheduler's collector on its main thread (`--single-threaded-gc`) instead of V8's
   * helper threads, for comparison (docs/operations.md). Default false.
   */
  singleThreadedGc?: boolean;
}

const fmt = (n: number | null, digits = 0) => (n === null ? 'n/a' : n.toFixed(digits));

export function schedulerScaleTable(row: SchedulerScaleRow): string {
  return [
    '| scheduler monitors | slots/s | lag p50 ms | lag p99 ms | enqueued − slot p99 ms | RSS MiB | bytes/monitor | CPU % of a core | startup s |',
    `|${'---|'.repeat(9)}`,
    `| ${row.monitors} | ${fmt(row.slotsPerSec)} | ${fmt(row.lagP50Ms)} | ${fmt(row.lagP99Ms)} | ${fmt(row.enqueuedP99Ms)} | ${fmt(row.rssMiB)} | ${fmt(row.bytesPerMonitor)} | ${fmt(row.cpuPercent)} | ${fmt(row.startupSeconds, 1)} |`,
  ].join('\n');
}
