import { existsSync } from 'node:fs';

/** What `runSchedulerScale` of scripts/bench/scheduler-scale.ts returns. */
export interface SchedulerScaleRow {
  monitors: number;
  slotsPerSec: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  rssMiB: number | null;
  bytesPerMonitor: number | null;
  cpuPercent: number | null;
  startupSeconds: number | null;
}

export interface SchedulerScaleOptions {
  monitors: number;
  seconds: number;
  warmupSeconds: number;
  /** `built` runs the compiled scheduler (after `pnpm build` or the bench's build), as production does. */
  run?: 'built' | 'source';
}

type RunSchedulerScale = (options: SchedulerScaleOptions) => Promise<SchedulerScaleRow>;

/**
 * The scheduler alone with many monitors, run by the module at `file` (its `runSchedulerScale`);
 * null, said on stderr, while that module does not exist yet.
 */
export async function schedulerScale(
  file: string,
  options: SchedulerScaleOptions,
): Promise<SchedulerScaleRow | null> {
  if (!existsSync(file)) {
    process.stderr.write(`bench | ${file} does not exist yet: no scheduler scale run\n`);
    return null;
  }
  const loaded = (await import(file)) as { runSchedulerScale?: RunSchedulerScale };
  if (typeof loaded.runSchedulerScale !== 'function') {
    throw new Error(`${file} exports no runSchedulerScale`);
  }
  return loaded.runSchedulerScale(options);
}

const fmt = (n: number | null, digits = 0) => (n === null ? 'n/a' : n.toFixed(digits));

export function schedulerScaleTable(row: SchedulerScaleRow): string {
  return [
    '| scheduler monitors | slots/s | lag p50 ms | lag p99 ms | RSS MiB | bytes/monitor | CPU % of a core | startup s |',
    `|${'---|'.repeat(8)}`,
    `| ${row.monitors} | ${fmt(row.slotsPerSec)} | ${fmt(row.lagP50Ms)} | ${fmt(row.lagP99Ms)} | ${fmt(row.rssMiB)} | ${fmt(row.bytesPerMonitor)} | ${fmt(row.cpuPercent)} | ${fmt(row.startupSeconds, 1)} |`,
  ].join('\n');
}
