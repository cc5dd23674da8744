import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, migrateToLatest } from '@sentinelmesh/db';
import { cpuSeconds, rssMiB, StackProcess } from '@sentinelmesh/stack/stack-process';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { buildBackend } from '../build/backend';
import { bareLoop } from './bare-loop';
import {
  bestMeeting,
  cpuMsPerCheck,
  cpuUsed,
  endToEndGoals,
  evaluateGoals,
  goalsSummary,
  perCheck,
  redisDelta,
  redisWindow,
  type StepFigures,
} from './figures';
import { percentile, VerdictSampler, windowFigures } from './measure';
import { postgresCounters } from './postgres-stats';
import { OWN_COMMANDS_PER_WINDOW, redisCounters, sampleMonitor } from './redis-stats';
import { type SchedulerScaleRow, schedulerScaleTable } from './scheduler-hook';
import { runSchedulerScale } from './scheduler-scale';
import { seedMonitors } from './seed';
import { startBenchServices } from './services';

/**
 * `pnpm bench`: the real scheduler, worker(s) and verifier(s), compiled as production runs them,
 * against a local target in its own process, stepping up the number of monitors (1 s interval, so
 * monitors = offered checks/s) until a goal breaks; then scheduling jitter with many monitors at a
 * long interval; then a bare fresh-connection HTTP loop against the same target for reference; and,
 * with --scheduler-monitors, the scheduler alone with that many monitors.
 */
const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '250,500,1000,1500,2000,2500,3000' },
    seconds: { type: 'string', default: '20' },
    // Long enough for a cold start's backlog to drain before the window opens.
    warmup: { type: 'string', default: '15' },
    // A scheduler starting with 100,000 monitors reads and plans them all before its first tick.
    'jitter-warmup': { type: 'string', default: '20' },
    'jitter-monitors': { type: 'string', default: '100000' },
    'bare-seconds': { type: 'string', default: '10' },
    // Run the TypeScript sources through tsx instead of the compiled deploy folders.
    source: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    verifiers: { type: 'string', default: '1' },
    'scheduler-monitors': { type: 'string', default: '1000000' },
    'scheduler-seconds': { type: 'string', default: '30' },
    'scheduler-warmup': { type: 'string', default: '60' },
    // The scheduler's heap bound in the scale run, as a deployment for that many monitors sets it.
    'scheduler-heap-mib': { type: 'string', default: '1024' },
    'scheduler-single-threaded-gc': { type: 'boolean', default: false },
  },
});
const steps = String(args.steps)
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const windowSeconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const jitterWarmupSeconds = Number(args['jitter-warmup']);
const jitterMonitors = Number(args['jitter-monitors']);
const schedulerMonitors = Number(args['scheduler-monitors']);
const stackWorkers = Number(args.workers);
const stackVerifiers = Number(args.verifiers);
/** How long the MONITOR sample that splits Redis calls from commands run inside scripts lasts. */
const MONITOR_SAMPLE_SECONDS = 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`bench | ${line}\n`);

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
if (!args.source)
  await buildBackend(repoRoot, ['scheduler', 'worker', 'verifier'], (line) => log(`build: ${line}`));

const services = await startBenchServices();
// The bench's own queries run as their own role, which the statement counts leave out.
const db = createDb({
  connectionString: services.observerUrl,
  max: 4,
  applicationName: 'sentinelmesh-bench',
});
await migrateToLatest(db);
const org = await db
  .insertInto('organizations')
  .values({ name: 'Bench', slug: 'bench' })
  .returning('id')
  .executeTakeFirstOrThrow();

const target: ChildProcess = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(import.meta.dirname, 'target.ts')],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const targetPort = await new Promise<number>((resolve) =>
  target.stdout?.once('data', (c: Buffer) => resolve((JSON.parse(c.toString()) as { port: number }).port)),
);
const targetUrl = `http://127.0.0.1:${targetPort}`;
/** Requests that reached the target in [fromMs, toMs), by its own clock of arrivals. */
const hitsBetween = async (fromMs: number, toMs: number) =>
  (
    (await (await fetch(`${targetUrl}/__hits?from=${Math.round(fromMs)}&to=${Math.round(toMs)}`)).json()) as {
      hits: number;
    }
  ).hits;

const stack = new StackProcess({
  STACK_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-bench-stack-')),
  STACK_APPS: 'scheduler,worker,verifier',
  STACK_RUN: args.source ? 'source' : 'built',
  STACK_WORKERS: String(stackWorkers),
  STACK_VERIFIERS: String(stackVerifiers),
  DATABASE_URL: services.databaseUrl,
  REDIS_URL: services.redisUrl,
  OPS_PORT_BASE: '0',
  LOG_LEVEL: 'warn',
  ALLOW_PRIVATE_TARGETS: 'true',
});

// One connection for the bench's Redis reads: each read is then one INFO, and nothing else of ours.
const statsRedis = new Redis(services.redisUrl);

async function reset(): Promise<void> {
  await sql`TRUNCATE monitors, monitor_state, check_results, incidents, alerts CASCADE`.execute(db);
  await statsRedis.flushall();
}

interface Row extends StepFigures {
  scheduledPerSec: number;
  lagP50: number | null;
  verdictP50: number | null;
  /** Transactions per check, the bench's own left out: printed when pg_stat_statements is missing. */
  pgTransactionsPerCheck: number | null;
  targetCpuMsPerCheck: number | null;
  memory: string;
  cpu: string;
}

/** CPU seconds so far of every process of the run: the apps, Postgres (with its backends), Redis, the target. */
function cpuSnapshot(): Map<string, number> {
  const pids: Array<[string, number | null, boolean]> = [
    ...Object.entries(stack.pids()).map(([name, pid]): [string, number | null, boolean] => [
      name,
      pid,
      false,
    ]),
    ['postgres', services.pids.postgres, true],
    ['redis', services.pids.redis, false],
    ['target', target.pid ?? null, false],
  ];
  const seconds = new Map<string, number>();
  for (const [name, pid, tree] of pids) {
    const used = cpuSeconds(pid, tree);
    if (used !== null) seconds.set(name, used);
  }
  return seconds;
}

async function runStep(
  monitors: number,
  intervalSeconds: number,
  seconds: number,
  warmup = warmupSeconds,
): Promise<Row> {
  await reset();
  await seedMonitors(db, org.id, { count: monitors, url: targetUrl, intervalSeconds, label: `m${monitors}` });
  await stack.start();
  await sleep(warmup * 1000);
  const sample = (await db.selectFrom('monitors').select('id').orderBy('id').limit(20).execute()).map(
    (m) => m.id,
  );
  const sampler = new VerdictSampler(db, sample);
  sampler.start();
  const cpuBefore = cpuSnapshot();
  const redisBefore = await redisCounters(statsRedis);
  const pgBefore = await postgresCounters(db, services.statementStats);
  const from = new Date();
  await sleep(seconds * 1000);
  const to = new Date();
  const cpuAfter = cpuSnapshot();
  const redisAfter = await redisCounters(statsRedis);
  const pgAfter = await postgresCounters(db, services.statementStats);
  const pids = stack.pids();
  const memory = Object.entries(pids)
    .map(([name, pid]) => `${name} ${rssMiB(pid) ?? '?'}`)
    .join(', ');
  await sleep(3_000); // results of the window's last slots are still being written
  sampler.stop();
  // After the window, the load still running: which commands ran inside scripts.
  const monitorSample = await sampleMonitor(services.redisUrl, MONITOR_SAMPLE_SECONDS);
  const figures = await windowFigures(db, from, to);
  // Where the tail comes from: the ten latest checks, as seconds into the window and lag in ms.
  const worst = await sql<{ at: number; lag: number }>`
    SELECT extract(epoch FROM scheduled_at - ${from}::timestamptz)::float AS at,
      (extract(epoch FROM checked_at - scheduled_at) * 1000)::int AS lag
    FROM check_results WHERE kind = 'scheduled' AND scheduled_at >= ${from} AND scheduled_at < ${to}
    ORDER BY checked_at - scheduled_at DESC LIMIT 10`.execute(db);
  log(
    `latest checks (s into the window: lag ms): ${worst.rows.map((r) => `${r.at.toFixed(1)}: ${r.lag}`).join(', ')}`,
  );
  const shift = figures.lagP50Ms ?? 0;
  // Hits are counted in time, slots by schedule: compare the slots of the window with the requests
  // that arrived in the window shifted by the median lag.
  const arrived = await hitsBetween(from.getTime() + shift, to.getTime() + shift);
  const verdicts = await sampler.latencies(from, to);
  await stack.stop();
  const elapsed = (to.getTime() - from.getTime()) / 1000;
  const used = cpuUsed(cpuBefore, cpuAfter);
  const cpu = [...used]
    .map(([name, s]) => [name, (s / elapsed) * 100] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([name, share]) => `${name} ${share.toFixed(0)}`)
    .join(', ');
  const checks = figures.checked;
  const redis = redisWindow(redisDelta(redisBefore, redisAfter), monitorSample, OWN_COMMANDS_PER_WINDOW);
  if (pgAfter.evicted > pgBefore.evicted) {
    log('pg_stat_statements evicted entries in the window: the statement count is short');
  }
  const statements =
    pgAfter.statements === null || pgBefore.statements === null
      ? null
      : pgAfter.statements - pgBefore.statements;
  // The bench's own transactions in the window: the sampler's polls and the first counters read.
  const ownTransactions = sampler.pollsBetween(from.getTime(), to.getTime()) + 1;
  const platform = [...used.keys()].filter((name) => name !== 'target');
  return {
    monitors,
    scheduledPerSec: figures.expected / elapsed,
    checksPerSec: arrived / elapsed,
    arrivedShare: figures.expected ? arrived / figures.expected : 0,
    persistedShare: figures.expected ? figures.persisted / figures.expected : 0,
    lagP50: figures.lagP50Ms,
    lagP99Ms: figures.lagP99Ms,
    verdictP50: percentile(verdicts, 0.5),
    verdictP99Ms: percentile(verdicts, 0.99),
    redisCallsPerCheck: perCheck(redis.calls, checks),
    redisCommandsPerCheck: perCheck(redis.executed, checks),
    pgStatementsPerCheck: perCheck(statements, checks),
    pgTransactionsPerCheck: perCheck(pgAfter.transactions - pgBefore.transactions - ownTransactions, checks),
    cpuMsPerCheck: cpuMsPerCheck(used, platform, checks),
    targetCpuMsPerCheck: cpuMsPerCheck(used, ['target'], checks),
    memory,
    cpu,
  };
}

const fmt = (n: number | null, digits = 0) => (n === null ? 'n/a' : n.toFixed(digits));
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const pgColumn = services.statementStats
  ? 'PG statements/check'
  : 'PG transactions/check (no pg_stat_statements)';
const header = `| monitors | interval | checks/s scheduled | checks/s at target | arrived | persisted | lag p50 ms | lag p99 ms | result→verdict p50/p99 ms | Redis calls/check | Redis commands/check | ${pgColumn} | CPU ms/check (target) | RSS MiB | CPU % of a core |`;
const divider = `|${'---|'.repeat(15)}`;
const rows: string[] = [];
const print = (row: Row, interval: number) =>
  `| ${row.monitors} | ${interval} s | ${fmt(row.scheduledPerSec)} | ${fmt(row.checksPerSec)} | ${pct(row.arrivedShare)} | ${pct(row.persistedShare)} | ${fmt(row.lagP50)} | ${fmt(row.lagP99Ms)} | ${fmt(row.verdictP50)}/${fmt(row.verdictP99Ms)} | ${fmt(row.redisCallsPerCheck, 2)} | ${fmt(row.redisCommandsPerCheck, 1)} | ${fmt(services.statementStats ? row.pgStatementsPerCheck : row.pgTransactionsPerCheck, 3)} | ${fmt(row.cpuMsPerCheck, 2)} (${fmt(row.targetCpuMsPerCheck, 2)}) | ${row.memory} | ${row.cpu} |`;

const stepped: Row[] = [];
let schedulerRow: SchedulerScaleRow | null = null;
try {
  log(
    `apps: ${args.source ? 'sources (tsx)' : 'compiled (dist/)'}, ${stackWorkers} worker(s), ${stackVerifiers} verifier(s)`,
  );
  for (const monitors of steps) {
    log(`step: ${monitors} monitors at a 1 s interval`);
    const row = await runStep(monitors, 1, windowSeconds);
    stepped.push(row);
    rows.push(print(row, 1));
    log(rows.at(-1) ?? '');
    const holds =
      row.arrivedShare >= 0.995 && row.persistedShare >= 0.99 && (row.lagP99Ms ?? Infinity) <= 1000;
    if (!holds) {
      log(`a goal broke at ${monitors} monitors; stopping the steps`);
      break;
    }
  }
  if (jitterMonitors > 0) {
    log(`jitter: ${jitterMonitors} monitors at a 3600 s interval`);
    const row = await runStep(jitterMonitors, 3600, 30, jitterWarmupSeconds);
    rows.push(print(row, 3600));
    log(rows.at(-1) ?? '');
  }
  log(`bare loop: fresh connection per request, 64 in flight, ${args['bare-seconds']} s`);
  const bare = await bareLoop(`${targetUrl}/bare`, 64, Number(args['bare-seconds']));
  if (schedulerMonitors > 0) {
    log(
      `scheduler scale: ${schedulerMonitors} monitors, heap bound ${args['scheduler-heap-mib']} MiB, ${args['scheduler-single-threaded-gc'] ? 'single-threaded' : 'parallel'} GC`,
    );
    schedulerRow = await runSchedulerScale({
      monitors: schedulerMonitors,
      seconds: Number(args['scheduler-seconds']),
      warmupSeconds: Number(args['scheduler-warmup']),
      run: args.source ? 'source' : 'built',
      heapMiB: Number(args['scheduler-heap-mib']),
      singleThreadedGc: args['scheduler-single-threaded-gc'],
    });
  }
  process.stdout.write(`\n${header}\n${divider}\n${rows.join('\n')}\n\n`);
  process.stdout.write(`bare fresh-connection loop: ${bare.toFixed(0)} req/s\n`);
  const endToEnd = bestMeeting(stepped, endToEndGoals)?.checksPerSec ?? 0;
  process.stdout.write(
    `best end-to-end rate (arrived, persisted, lag and verdict goals met): ${endToEnd.toFixed(0)} checks/s = ${(endToEnd / bare).toFixed(2)}x the bare loop\n`,
  );
  process.stdout.write(`${goalsSummary(evaluateGoals(stepped))}\n`);
  if (schedulerRow) process.stdout.write(`\n${schedulerScaleTable(schedulerRow)}\n`);
} finally {
  await stack.stop();
  target.kill('SIGTERM');
  statsRedis.disconnect();
  await db.destroy();
  await services.stop();
}
