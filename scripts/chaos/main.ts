import { parseArgs } from 'node:util';
import { runChaos } from './run';
import { runTopologyChaos, topologyDefaults } from './topology';
import { topologyBroken, topologySummary } from './topology-verdict';
import { brokenPromises, summary } from './verdict';

/**
 * `pnpm chaos`: the long chaos runs (the test suite runs short ones), each scenario alone, one after
 * the other: `kills` (apps, Redis and Postgres killed at random) and `topology` (two regions with
 * two workers each: late, reordered and skewed results, a dead region). Exits 1 when a promise broke.
 */
const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'kills,topology' },
    seconds: { type: 'string', default: '180' },
    monitors: { type: 'string', default: '100' },
    'kill-every': { type: 'string', default: '4' },
    regions: { type: 'string', default: 'a,b' },
    'extra-schedulers': { type: 'string', default: '2' },
    'stop-worker': { type: 'string', default: '40' },
    'topology-monitors': { type: 'string', default: '60' },
  },
});
const log = (line: string) => process.stderr.write(`chaos | ${line}\n`);
const scenarios = String(values.scenario).split(',');
const failed: string[] = [];

if (scenarios.includes('kills')) {
  const options = {
    monitors: Number(values.monitors),
    intervalSeconds: 2,
    durationSeconds: Number(values.seconds),
    killEverySeconds: Number(values['kill-every']),
    regions: String(values.regions).split(','),
    killServices: true,
    extraSchedulers: Number(values['extra-schedulers']),
    stopWorkerSeconds: Number(values['stop-worker']),
    log,
  };
  const report = await runChaos(options);
  const broken = brokenPromises(report, options);
  process.stdout.write(`== kills\n${summary(report)}\n`);
  process.stdout.write(broken.length ? `BROKEN:\n- ${broken.join('\n- ')}\n` : 'every promise held\n');
  if (broken.length) failed.push('kills');
}

if (scenarios.includes('topology')) {
  const report = await runTopologyChaos({
    ...topologyDefaults,
    monitors: Number(values['topology-monitors']),
    log,
  });
  const broken = topologyBroken(report);
  process.stdout.write(`== topology\n${topologySummary(report)}\n`);
  process.stdout.write(broken.length ? `BROKEN:\n- ${broken.join('\n- ')}\n` : 'every promise held\n');
  if (broken.length) failed.push('topology');
}

process.exit(failed.length ? 1 : 0);
