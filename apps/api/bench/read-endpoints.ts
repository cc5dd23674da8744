import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, ensureResultPartitions, migrateToLatest } from '@sentinelmesh/db';
import { insertMonitors } from '@sentinelmesh/db/fixtures';
import { freePort } from '@sentinelmesh/stack/ports';
import { ensureDatabase, preparePostgres, serviceUser } from '@sentinelmesh/stack/postgres';
import { spawnSpec } from '@sentinelmesh/stack/process-spec';
import { redisSpec } from '@sentinelmesh/stack/redis';
import { sql } from 'kysely';
import { catchUpRollups } from '../src/jobs/rollups';

/**
 * `pnpm --filter @sentinelmesh/api bench`: the dashboard's read endpoints under 10 concurrent clients,
 * over 10,000 monitors of which 100 have 30 days of one-minute results (4.32 M rows, generated with
 * generate_series). Postgres and Redis are started like the tests start them (fast profile); the API
 * runs as its own process (`tsx src/main.ts`) with the per-credential rate limit off.
 */
const { values: args } = parseArgs({
  options: {
    monitors: { type: 'string', default: '10000' },
    'with-results': { type: 'string', default: '100' },
    days: { type: 'string', default: '30' },
    requests: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '10' },
  },
});
const MONITORS = Number(args.monitors);
const WITH_RESULTS = Number(args['with-results']);
const DAYS = Number(args.days);
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const log = (line: string) => process.stderr.write(`bench | ${line}\n`);
const stopChild = (child: ChildProcess, signal: NodeJS.Signals) =>
  child.exitCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });

const root = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-api-bench-'));
const user = serviceUser();
if (user) chownSync(root, user.uid, user.gid);
const postgres = await preparePostgres({
  dataDir: path.join(root, 'pg'),
  port: await freePort(),
  profile: 'fast',
});
const redisPort = await freePort();
const redis = redisSpec({ dataDir: path.join(root, 'redis'), port: redisPort, appendOnly: false });
const services = [spawnSpec(postgres.spec, 'ignore'), spawnSpec(redis, 'ignore')];
let apiProcess: ChildProcess | null = null;

try {
  await Promise.all([postgres.spec.ready?.(), redis.ready?.()]);
  const databaseUrl = await ensureDatabase(postgres.adminUrl, 'bench');
  const db = createDb({ connectionString: databaseUrl, max: 4, applicationName: 'sentinelmesh-api-bench' });
  await migrateToLatest(db);
  await ensureResultPartitions(db, new Date(Date.now() - (DAYS + 1) * 86_400_000), DAYS + 8);

  const apiPort = await freePort();
  apiProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, '../src/main.ts')],
    {
      cwd: path.join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        API_PORT: String(apiPort),
        HOST: '127.0.0.1',
        JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
        SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '0',
        ROLLUP_INTERVAL_SECONDS: '0',
      },
    },
  );
  const base = `http://127.0.0.1:${apiPort}`;
  await waitUntilReady(`${base}/ready`);

  const signup = await post(`${base}/v1/auth/signup`, {
    email: 'bench@example.com',
    password: 'bench password 123',
    organizationName: 'Bench',
  });
  const token = signup.accessToken as string;
  const orgId = signup.organization.id as string;
  const auth = { authorization: `Bearer ${token}` };
  const template = await post(
    `${base}/v1/monitors`,
    { type: 'http', name: 'template', url: 'https://shop.example.com/health', tags: ['prod'] },
    auth,
  );

  let started = Date.now();
  const stored = await db
    .selectFrom('monitors')
    .select('config')
    .where('id', '=', template.id)
    .executeTakeFirstOrThrow();
  const now = Date.now();
  await insertMonitors(
    db,
    orgId,
    Array.from({ length: MONITORS - 1 }, (_, index) => ({
      config: { ...stored.config, name: `Monitor ${index + 1}` },
      createdAt: new Date(now - (index + 1) * 1000),
      state: { status: 'up', since: new Date(now - 86_400_000) },
    })),
  );
  log(`${MONITORS} monitors in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  started = Date.now();
  const withResults = await sql<{ id: string }>`
    SELECT id FROM monitors ORDER BY created_at DESC, id DESC LIMIT ${WITH_RESULTS}`.execute(db);
  const ids = withResults.rows.map((r) => r.id);
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  for (const [index, id] of ids.entries()) {
    await sql`
      INSERT INTO check_results (org_id, monitor_id, scheduled_at, checked_at, region, kind, ok, status_code,
        latency_ms, phases, error_kind)
      SELECT ${orgId}::uuid, ${id}::uuid, t, t + interval '150 milliseconds', 'local', 'scheduled', r > 0.002,
        CASE WHEN r > 0.002 THEN 200 ELSE 503 END, (40 + 400 * r * r)::integer,
        '{"dnsMs":1,"connectMs":2,"tlsMs":5,"ttfbMs":30,"transferMs":1}'::jsonb,
        CASE WHEN r > 0.002 THEN NULL ELSE 'http_status' END
      FROM generate_series(${new Date(end.getTime() - DAYS * 86_400_000)}::timestamptz,
        ${end}::timestamptz - interval '1 minute', interval '1 minute') AS t,
        LATERAL (SELECT random() AS r) AS x`.execute(db);
    await sql`
      INSERT INTO incidents (org_id, monitor_id, status, opened_at, resolved_at, cause)
      SELECT ${orgId}::uuid, ${id}::uuid, 'resolved', o, o + interval '7 minutes', 'HTTP 503'
      FROM generate_series(${new Date(end.getTime() - DAYS * 86_400_000)}::timestamptz, ${end}::timestamptz - interval '1 day',
        interval '3 days') AS o`.execute(db);
    if ((index + 1) % 10 === 0) log(`results: ${index + 1}/${ids.length} monitors`);
  }
  log(`${ids.length * DAYS * 1440} results in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  started = Date.now();
  await catchUpRollups(db, new Date());
  await sql`ANALYZE`.execute(db);
  log(`rollups and ANALYZE in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await db.destroy();

  const pick = (i: number) => ids[i % ids.length] as string;
  const endpoints: Array<[string, (i: number) => string]> = [
    ['list monitors (limit 50)', () => '/v1/monitors?limit=50'],
    ['one monitor', (i) => `/v1/monitors/${pick(i)}`],
    ['results page (limit 100)', (i) => `/v1/monitors/${pick(i)}/results?limit=100`],
    ['stats 24h', (i) => `/v1/monitors/${pick(i)}/stats?window=24h`],
    ['stats 30d', (i) => `/v1/monitors/${pick(i)}/stats?window=30d`],
  ];
  const table: string[] = [
    `load average before measuring: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  ];
  // The goal is under 10 clients; one client alone shows the service time without queueing.
  for (const clients of [CONCURRENCY, 1]) {
    for (const [name, url] of endpoints) {
      await measure(base, auth, url, 50, clients);
      const times = await measure(base, auth, url, REQUESTS, clients);
      const line = `${name.padEnd(26)} p50 ${fmt(quantile(times, 0.5))} ms   p99 ${fmt(quantile(times, 0.99))} ms   (${REQUESTS} requests, ${clients} client${clients === 1 ? '' : 's'})`;
      table.push(line);
      log(line);
    }
  }
  table.push(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  process.stdout.write(`\n${table.join('\n')}\n`);
} finally {
  if (apiProcess) await stopChild(apiProcess, 'SIGTERM');
  await Promise.all([
    stopChild(services[0] as ChildProcess, 'SIGINT'),
    stopChild(services[1] as ChildProcess, 'SIGTERM'),
  ]);
  rmSync(root, { recursive: true, force: true });
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error('the API did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  // biome-ignore lint/suspicious/noExplicitAny: bench-only JSON access
  return (await res.json()) as Record<string, any>;
}

/** `total` GETs by `clients` concurrent loops; returns each request's milliseconds. */
async function measure(
  base: string,
  headers: Record<string, string>,
  url: (i: number) => string,
  total: number,
  clients: number,
): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const res = await fetch(`${base}${url(i)}`, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${url(i)}: ${res.status}`);
        times.push(performance.now() - t0);
      }
    }),
  );
  return times;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

function fmt(ms: number): string {
  return ms.toFixed(1).padStart(6);
}
