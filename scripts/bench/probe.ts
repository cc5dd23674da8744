import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, migrateToLatest } from '@sentinelmesh/db';
import { connectRedis, createLogger } from '@sentinelmesh/platform';
import { freePort } from '@sentinelmesh/stack/ports';
import { cpuSeconds, rssMiB, StackProcess } from '@sentinelmesh/stack/stack-process';
import { sql } from 'kysely';
import { buildApp } from '../../apps/api/src/app';
import { parseApiEnv } from '../../apps/api/src/env';
import { regionsCommand } from '../../apps/api/src/probes/regions-admin';
import { buildBackend } from '../build/backend';
import { buildProbe } from '../build/probe';
import { windowFigures } from './measure';
import { seedMonitors } from './seed';
import { startBenchServices } from './services';

/**
 * `pnpm bench:probe`: one probe's checks/s through the API's probe gateway next to one worker's, on
 * this machine: the same monitors (1 s interval, so monitors = offered checks/s) against the same
 * local target, first in the worker region `local`, then in a probe region served by one probe (the
 * single file, `node probe.js`) polling the API's gateway. Prints checks persisted per second, lag,
 * the probe's RSS and CPU, and the single file's size. The gateway runs inside this process (the
 * API app built as its tests build it), beside the launcher's scheduler and verifier.
 */
const { values: args } = parseArgs({
  options: {
    monitors: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '256' },
  },
});
const monitors = Number(args.monitors);
const windowSeconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const PROBE_REGION = 'probe-bench';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`bench:probe | ${line}\n`);
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

await buildBackend(repoRoot, ['api', 'scheduler', 'worker', 'verifier'], (line) => log(`build: ${line}`));
const artifact = await buildProbe(repoRoot);
log(`built ${path.relative(repoRoot, artifact.file)} (${artifact.bytes} bytes)`);

const services = await startBenchServices();
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

// A probe region and its probe, made by the regions CLI's own commands.
const noAnnouncement = async () => {};
await regionsCommand(db, ['add', PROBE_REGION, 'Bench probe region'], noAnnouncement);
const minted = await regionsCommand(db, ['probe-token', PROBE_REGION, 'bench-probe'], noAnnouncement);
const probeToken = /token \(shown once\): (smp_\S+)/.exec(minted)?.[1] ?? '';

interface Row {
  runner: string;
  checksPerSec: number;
  persistedShare: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  rssMiB: number | null;
  cpuPercent: number | null;
}

async function measure(runner: string, stack: StackProcess, pid: () => number | null): Promise<Row> {
  await sleep(warmupSeconds * 1000);
  const cpuBefore = cpuSeconds(pid());
  const from = new Date();
  await sleep(windowSeconds * 1000);
  const to = new Date();
  const cpuAfter = cpuSeconds(pid());
  const rss = rssMiB(pid());
  await sleep(3_000); // the window's last results are still on their way
  const figures = await windowFigures(db, from, to);
  await stack.stop();
  const elapsed = (to.getTime() - from.getTime()) / 1000;
  return {
    runner,
    checksPerSec: figures.persisted / elapsed,
    persistedShare: figures.expected ? figures.persisted / figures.expected : 0,
    lagP50Ms: figures.lagP50Ms,
    lagP99Ms: figures.lagP99Ms,
    rssMiB: rss,
    cpuPercent: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) / elapsed) * 100,
  };
}

async function reset(regions: string[]): Promise<void> {
  await sql`TRUNCATE monitors, monitor_state, check_results, incidents, alerts CASCADE`.execute(db);
  await seedMonitors(db, org.id, {
    count: monitors,
    url: targetUrl,
    intervalSeconds: 1,
    label: regions[0] as string,
    regions,
  });
}

const stackEnv = (apps: string, apiPort: number) => ({
  STACK_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-bench-probe-')),
  STACK_APPS: apps,
  STACK_RUN: 'built',
  DATABASE_URL: services.databaseUrl,
  REDIS_URL: services.redisUrl,
  OPS_PORT_BASE: '0',
  API_PORT: String(apiPort),
  LOG_LEVEL: 'warn',
  ALLOW_PRIVATE_TARGETS: 'true',
  REGIONS: 'local',
  QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`,
});

const rows: Row[] = [];
let probe: ChildProcess | null = null;
let gateway: Awaited<ReturnType<typeof buildApp>> | null = null;
try {
  log(`worker: ${monitors} monitors at 1 s in region local`);
  await reset(['local']);
  const workerStack = new StackProcess(stackEnv('scheduler,worker,verifier', await freePort()));
  await workerStack.start();
  rows.push(await measure('worker', workerStack, () => workerStack.pids().worker ?? null));
  log(JSON.stringify(rows.at(-1)));

  log(`probe: ${monitors} monitors at 1 s in region ${PROBE_REGION}, one probe through the gateway`);
  await reset([PROBE_REGION]);
  const queuePrefix = `bench${randomBytes(3).toString('hex')}`;
  const probeStack = new StackProcess({
    ...stackEnv('scheduler,verifier', await freePort()),
    QUEUE_PREFIX: queuePrefix,
  });
  await probeStack.start();
  const config = parseApiEnv({
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    QUEUE_PREFIX: queuePrefix,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ALLOW_PRIVATE_TARGETS: 'true',
    REGIONS: 'local',
    LOG_LEVEL: 'warn',
    ROLLUP_INTERVAL_SECONDS: '0',
    RETENTION_INTERVAL_SECONDS: '0',
  });
  const gatewayDb = createDb({ connectionString: services.databaseUrl, applicationName: 'sentinelmesh-api' });
  gateway = await buildApp({
    config,
    db: gatewayDb,
    redis: connectRedis(config),
    logger: createLogger('api', 'warn'),
  });
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const apiPort = (gateway.server.address() as { port: number }).port;
  probe = spawn(
    process.execPath,
    [artifact.file, '--gateway', `http://127.0.0.1:${apiPort}`, '--concurrency', String(args.concurrency)],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PROBE_TOKEN: probeToken,
        PROBE_SPOOL_DIR: mkdtempSync(path.join(os.tmpdir(), 'bench-probe-spool-')),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const probePid = probe.pid ?? null;
  rows.push(await measure('probe', probeStack, () => probePid));
  log(JSON.stringify(rows.at(-1)));
} finally {
  // The probe delivers what it holds while the gateway still answers, then the gateway closes.
  if (probe && probe.exitCode === null) {
    const exited = new Promise((resolve) => probe?.once('exit', resolve));
    probe.kill('SIGTERM');
    await exited;
  }
  await gateway?.close();
  target.kill('SIGTERM');
  await db.destroy();
  await services.stop();
}

const fmt = (n: number | null, digits = 0) => (n === null ? 'n/a' : n.toFixed(digits));
process.stdout.write(
  `\n| runner | monitors (1 s) | checks/s persisted | persisted | lag p50 ms | lag p99 ms | RSS MiB | CPU % of a core |\n|${'---|'.repeat(8)}\n`,
);
for (const row of rows)
  process.stdout.write(
    `| ${row.runner} | ${monitors} | ${fmt(row.checksPerSec)} | ${(row.persistedShare * 100).toFixed(1)}% | ${fmt(row.lagP50Ms)} | ${fmt(row.lagP99Ms)} | ${fmt(row.rssMiB)} | ${fmt(row.cpuPercent)} |\n`,
  );
process.stdout.write(
  `\nprobe single file: ${artifact.bytes} bytes (${(artifact.bytes / 1024 / 1024).toFixed(2)} MiB)\n`,
);
process.exit(0);
