import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schedulerScale, schedulerScaleTable } from '../scripts/bench/scheduler-hook';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-bench-hook-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = { monitors: 1_000_000, seconds: 30, warmupSeconds: 60 };

describe('the scheduler scale hook', () => {
  it("runs the module's runSchedulerScale with the options and prints its row", async () => {
    const file = path.join(dir, 'scale.mjs');
    writeFileSync(
      file,
      `export async function runSchedulerScale(o) {
        return { monitors: o.monitors, slotsPerSec: 16667, lagP50Ms: 12, lagP99Ms: o.seconds * 7, enqueuedP99Ms: -2750, rssMiB: 900,
          bytesPerMonitor: 812, cpuPercent: 41, startupSeconds: o.warmupSeconds / 4 };
      }`,
    );
    const row = await schedulerScale(file, options);
    expect(row).toMatchObject({ monitors: 1_000_000, lagP99Ms: 210, startupSeconds: 15 });
    expect(schedulerScaleTable(row).split('\n')[2]).toBe(
      '| 1000000 | 16667 | 12 | 210 | -2750 | 900 | 812 | 41 | 15.0 |',
    );
  });

  it('refuses a module without runSchedulerScale', async () => {
    const file = path.join(dir, 'other.mjs');
    writeFileSync(file, 'export const nothing = 1;');
    await expect(schedulerScale(file, options)).rejects.toThrow('exports no runSchedulerScale');
  });
});
