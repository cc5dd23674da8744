/**
 * Check-type benchmark: runs each case's check in this process, through the worker's `runCheck`,
 * against the case's local server, for a fixed time at a fixed concurrency, and prints checks/s per
 * type next to HTTP in one table.
 *
 *   pnpm bench:checks [--seconds 5] [--concurrency 10] [--only http,udp] [--browser-concurrency 1]
 *
 * Browser checks run in the worker's browser pool (Chromium at CHROMIUM_PATH, default
 * /usr/bin/chromium): at most `--browser-concurrency` scripts at once, the rest wait for a place.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CheckSpec } from '@sentinelmesh/core';
import { type BrowserPool, createBrowserPool } from '../../../apps/worker/src/browser/pool';
import type { CheckContext } from '../../../apps/worker/src/checks/context';
import { runCheck } from '../../../apps/worker/src/checks/index';
import type { BenchCase } from './case';
import { allCases } from './cases/index';
import { type CaseFigures, checkTypesTable } from './table';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '10' },
    only: { type: 'string' },
    'browser-concurrency': { type: 'string', default: '1' },
  },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const BROWSER_CONCURRENCY = Number(values['browser-concurrency']);
if (
  !(SECONDS > 0 && SECONDS <= 600) ||
  !(Number.isInteger(CONCURRENCY) && CONCURRENCY >= 1 && CONCURRENCY <= 1000) ||
  !(Number.isInteger(BROWSER_CONCURRENCY) && BROWSER_CONCURRENCY >= 1 && BROWSER_CONCURRENCY <= 16)
) {
  console.error(
    '--seconds must be in (0, 600], --concurrency a whole number in [1, 1000] and --browser-concurrency one in [1, 16]',
  );
  process.exit(2);
}
const only = values.only ? new Set(values.only.split(',').map((t) => t.trim())) : null;
const selected = allCases.filter((c) => !only || only.has(c.type));

/** The worker's browser pool, as its main.ts makes it; none without Chromium (browser checks then fail as internal). */
function browserPool(): BrowserPool | undefined {
  if (!selected.some((c) => c.type === 'browser')) return undefined;
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`no Chromium at ${executablePath} (set CHROMIUM_PATH): the browser case will fail`);
    return undefined;
  }
  return createBrowserPool({
    concurrency: BROWSER_CONCURRENCY,
    executablePath,
    runnerPath: fileURLToPath(new URL('../../../apps/worker/src/browser/runner.mjs', import.meta.url)),
  });
}

const browsers = browserPool();
const context: CheckContext = {
  region: 'bench',
  userAgent: 'SentinelMesh/bench',
  allowPrivateTargets: true,
  now: () => new Date(),
  ...(browsers ? { browsers } : {}),
};

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

/** Runs one spec from `concurrency` loops until `seconds` have passed. */
async function measure(spec: CheckSpec, seconds: number, concurrency: number) {
  const durations: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const outcome = await runCheck(spec, context);
      durations.push(performance.now() - t0);
      if (!outcome.ok) {
        failed++;
        firstError ??= outcome.error ? `${outcome.error.kind}: ${outcome.error.message}` : 'failed';
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  durations.sort((a, b) => a - b);
  return { checks: durations.length, failed, elapsed, durations, firstError };
}

async function runCase(benchCase: BenchCase): Promise<CaseFigures> {
  const { spec, close } = await benchCase.start();
  try {
    // A short warm-up, so module loading and first connections do not count.
    await measure(spec, Math.min(0.5, SECONDS / 10), 1);
    const run = await measure(spec, SECONDS, CONCURRENCY);
    return {
      type: benchCase.type,
      label: benchCase.label,
      checks: run.checks,
      failed: run.failed,
      checksPerSecond: run.checks / run.elapsed,
      p50Ms: percentile(run.durations, 50),
      p95Ms: percentile(run.durations, 95),
      firstError: run.firstError,
    };
  } finally {
    await close();
  }
}

console.log(
  `check types: ${SECONDS} s each at concurrency ${CONCURRENCY}${browsers ? ` (browser pool: ${BROWSER_CONCURRENCY})` : ''}, in-process, local servers on 127.0.0.1`,
);
const rows: CaseFigures[] = [];
for (const benchCase of selected) {
  const row = await runCase(benchCase);
  rows.push(row);
  console.log(`  ${row.type}: ${row.checksPerSecond.toFixed(row.checksPerSecond < 10 ? 2 : 0)} checks/s`);
}
await browsers?.close();
console.log(`\n${checkTypesTable(rows)}`);
for (const row of rows.filter((r) => r.failed > 0))
  console.log(`${row.type}: first failure: ${row.firstError}`);
process.exit(rows.some((r) => r.checks > 0 && r.failed === r.checks) ? 1 : 0);
