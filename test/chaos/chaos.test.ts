import { describe, expect, it } from 'vitest';
import { runChaos } from '../../scripts/chaos/run';
import { runTopologyChaos, topologyDefaults } from '../../scripts/chaos/topology';
import { topologyBroken, topologySummary } from '../../scripts/chaos/topology-verdict';
import { brokenPromises, summary } from '../../scripts/chaos/verdict';

// The scenarios of one file run one after the other, each with the machine to itself.
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

  it('wakes nobody for a blip, pages each real outage once each way and names a dead region, with two replicas per region, late and reordered writes and a clock 5 s ahead', async () => {
    const report = await runTopologyChaos({ ...topologyDefaults, monitors: 30, log: () => {} });
    console.warn(topologySummary(report));
    expect(topologyBroken(report)).toEqual([]);
    // The faults happened: blips were served, and the Postgres pause reordered writes.
    expect(report.blips.served).toBeGreaterThanOrEqual(30);
    expect(report.events.filter((e) => e.includes('SIG')).length).toBe(7);
  }, 240_000);
});
