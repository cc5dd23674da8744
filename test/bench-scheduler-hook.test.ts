import { describe, expect, it } from 'vitest';
import { schedulerScaleTable } from '../scripts/bench/scheduler-hook';

describe('the scheduler scale table', () => {
  it('prints a row under its header, n/a for a figure not measured', () => {
    const lines = schedulerScaleTable({
      monitors: 1_000_000,
      slotsPerSec: 16667,
      lagP50Ms: 12,
      lagP99Ms: 210,
      enqueuedP99Ms: -2750,
      rssMiB: 900,
      bytesPerMonitor: 812,
      cpuPercent: 41,
      startupSeconds: null,
    }).split('\n');
    expect(lines[0]?.split('|').filter((cell) => cell.trim()).length).toBe(9);
    expect(lines[2]).toBe('| 1000000 | 16667 | 12 | 210 | -2750 | 900 | 812 | 41 | n/a |');
  });
});
