import { describe, expect, it } from 'vitest';
import { runChaos } from '../../scripts/chaos/run';
import { brokenPromises, summary } from '../../scripts/chaos/verdict';

describe('chaos, short run', () => {
  it('keeps every slot once, alerts every outage once and in order while apps, Redis and Postgres are killed', async () => {
    const options = {
      monitors: 100,
      intervalSeconds: 2,
      durationSeconds: 45,
      killEverySeconds: 4,
      regions: ['a', 'b'],
      killServices: true,
      extraSchedulers: 0,
      stopWorkerSeconds: 0,
      log: () => {},
    };
    const report = await runChaos(options);
    console.warn(summary(report));
    expect(brokenPromises(report, options)).toEqual([]);
    expect(report.events.filter((e) => e.includes('SIGKILL')).length).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
