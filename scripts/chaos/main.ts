import { parseArgs } from 'node:util';
import { runChaos } from './run';
import { brokenPromises, summary } from './verdict';

/** `pnpm chaos`: the long chaos run (the test suite runs a short one). Exits 1 when a promise broke. */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    monitors: { type: 'string', default: '100' },
    'kill-every': { type: 'string', default: '4' },
    regions: { type: 'string', default: 'a,b' },
    'extra-schedulers': { type: 'string', default: '2' },
    'stop-worker': { type: 'string', default: '40' },
  },
});
const options = {
  monitors: Number(values.monitors),
  intervalSeconds: 2,
  durationSeconds: Number(values.seconds),
  killEverySeconds: Number(values['kill-every']),
  regions: String(values.regions).split(','),
  killServices: true,
  extraSchedulers: Number(values['extra-schedulers']),
  stopWorkerSeconds: Number(values['stop-worker']),
  log: (line: string) => process.stderr.write(`chaos | ${line}\n`),
};
const report = await runChaos(options);
const broken = brokenPromises(report, options);
process.stdout.write(`${summary(report)}\n`);
process.stdout.write(broken.length ? `BROKEN:\n- ${broken.join('\n- ')}\n` : 'every promise held\n');
process.exit(broken.length ? 1 : 0);
