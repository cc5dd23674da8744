import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, migrateToLatest } from '@sentinelmesh/db';
import { cpuSeconds, rssMiB, StackProcess } from '@sentinelmesh/stack/stack-process';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { bareLoop } from './bare-loop';
import { percentile, VerdictSampler, windowFigures } from './measure';
import { seedMonitors } from './seed';
import { startBenchServices } from './services';

/**
 * `pnpm bench`: the real scheduler, worker and verifier against a local target in its own process,
 * stepping up the number of monitors (1 s interval, so monitors = offered checks/s) until a goal
 * breaks; then scheduling jitter with many monitors at a long interval; then a bare fresh-connection
 * HTTP loop against the same target for reference.
 */
const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '250,500,1000,1500,2000,3000' },
    seconds: { type: 'string', default: '20' },
    // Long enough for a cold start's backlog to drain before the window opens.
    warmup: { type: 'string', default: '15' },
    // A scheduler starting with 100,000 monitors reads and plans them all before its first tick.
    'jitter-warmup': { type: 'string', default: '20' },
    'jitter-monitors': { type: 'string', default: '100000' },
    'bare-seconds': { type: 'string', default: '10' },
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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`bench | ${line}\n`);

const services = await startBenchServices();
const db = createDb({
  connectionString: services.databaseUrl,
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
  DATABASE_URL: services.databaseUrl,
  REDIS_URL: services.redisUrl,
  OPS_PORT_BASE: '0',
  LOG_LEVEL: 'warn',
  ALLOW_PRIVATE_TARGETS: 'true',
});

async function reset(): Promise<void> {
  await sql`TRUNCATE monitors, monitor_state, check_results, incidents, alerts CASCADE`.execute(db);
  const redis = new Redis(services.redisUrl);
  await redis.flushall();
  redis.disconnect();
}

interface Row {
  monitors: number;
  scheduledPerSec: number;
  arrivedPerSec: number;
  arrivedShare: number;
  persistedShare: number;
  lagP50: number | null;
  lagP99: number | null;
  verdictP50: number | null;
  verdictP99: number | null;
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
  const from = new Date();
  await sleep(seconds * 1000);
  const to = new Date();
  const cpuAfter = cpuSnapshot();
  const pids = stack.pids();
  const memory = Object.entries(pids)
    .map(([name, pid]) => `${name} ${rssMiB(pid) ?? '?'}`)
    .join(', ');
  await sleep(3_000); // results of the window's last slots are still being written
  sampler.stop();
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
  const cpu = [...cpuAfter]
    .map(([name, after]) => [name, ((after - (cpuBefore.get(name) ?? after)) / elapsed) * 100] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([name, share]) => `${name} ${share.toFixed(0)}`)
    .join(', ');
  return {
    monitors,
    scheduledPerSec: figures.expected / elapsed,
    arrivedPerSec: arrived / elapsed,
    arrivedShare: figures.expected ? arrived / figures.expected : 0,
    persistedShare: figures.expected ? figures.persisted / figures.expected : 0,
    lagP50: figures.lagP50Ms,
    lagP99: figures.lagP99Ms,
    verdictP50: percentile(verdicts, 0.5),
    verdictP99: percentile(verdicts, 0.99),
    memory,
    cpu,
  };
}

const fmt = (n: number | null, digits = 0) => (n === null ? 'n/a' : n.toFixed(digits));
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const header =
  '| monitors | interval | checks/s scheduled | checks/s at target | arrived | persisted | lag p50 ms | lag p99 ms | result→verdict p50/p99 ms | RSS MiB | CPU % of a core |';
const divider = '|---|---|---|---|---|---|---|---|---|---|---|';
const rows: string[] = [];
const print = (row: Row, interval: number) =>
  `| ${row.monitors} | ${interval} s | ${fmt(row.scheduledPerSec)} | ${fmt(row.arrivedPerSec)} | ${pct(row.arrivedShare)} | ${pct(row.persistedShare)} | ${fmt(row.lagP50)} | ${fmt(row.lagP99)} | ${fmt(row.verdictP50)}/${fmt(row.verdictP99)} | ${row.memory} | ${row.cpu} |`;

let bestEndToEnd = 0;
try {
  for (const monitors of steps) {
    log(`step: ${monitors} monitors at a 1 s interval`);
    const row = await runStep(monitors, 1, windowSeconds);
    rows.push(print(row, 1));
    log(rows.at(-1) ?? '');
    const holds = row.arrivedShare >= 0.995 && row.persistedShare >= 0.99 && (row.lagP99 ?? Infinity) <= 1000;
    if (holds) bestEndToEnd = Math.max(bestEndToEnd, row.arrivedPerSec);
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
  process.stdout.write(`\n${header}\n${divider}\n${rows.join('\n')}\n\n`);
  process.stdout.write(`bare fresh-connection loop: ${bare.toFixed(0)} req/s\n`);
  process.stdout.write(
    `best end-to-end rate meeting every goal: ${bestEndToEnd.toFixed(0)} checks/s = ${(bestEndToEnd / bare).toFixed(2)}x the bare loop\n`,
  );
} finally {
  await stack.stop();
  target.kill('SIGTERM');
  await db.destroy();
  await services.stop();
}
