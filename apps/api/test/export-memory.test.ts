import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { testRedisUrl, uniqueQueuePrefix } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  testEnv,
} from './helpers';

const ROWS = 1_000_000;
/** How much the API process's resident memory may grow while it streams the export. */
const RSS_GROWTH_BOUND_MB = 64;

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let monitorId: string;
let key: string;
let child: ChildProcess | undefined;
let port: number;
let output = '';
/** The seeded results: one a second from a day well inside the retention period. */
const START = new Date(Math.floor(Date.now() / 86_400_000 - 20) * 86_400_000);
const iso = (offsetMs: number) => new Date(START.getTime() + offsetMs).toISOString();

/** Resident memory of a process in MB, from /proc (Linux). */
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Bulk Inc');
  const as = client(api.app, owner.token);
  monitorId = (await as.post('/v1/monitors', httpMonitor())).json().id;
  key = (await as.post('/v1/api-keys', { name: 'export', role: 'viewer' })).json().key;
  await sql`
    INSERT INTO check_results (org_id, monitor_id, scheduled_at, checked_at, region, kind, attempt, ok,
      status_code, latency_ms, phases, failed_assertions, error_kind, error_message)
    SELECT ${owner.orgId}, ${monitorId}, t.at, t.at + interval '50 milliseconds', 'local', 'scheduled', 0,
      i % 10 <> 0, CASE WHEN i % 10 <> 0 THEN 200 ELSE 503 END, 50 + i % 200, '{}'::jsonb, '[]'::jsonb,
      CASE WHEN i % 10 = 0 THEN 'http_status' END, CASE WHEN i % 10 = 0 THEN 'HTTP 503' END
    FROM generate_series(0, ${ROWS - 1}) AS i,
      LATERAL (SELECT ${START}::timestamptz + i * interval '1 second' AS at) AS t
  `.execute(testDb.db);
  await api.app.close();

  // The API runs in its own process, so its memory is measured apart from the test's.
  const env = testEnv(testDb, uniqueQueuePrefix());
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: {
      ...process.env,
      DATABASE_URL: testDb.url,
      REDIS_URL: testRedisUrl(),
      API_PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: env.JWT_SECRET,
      SECRETS_KEY: env.SECRETS_KEY,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      LOG_LEVEL: 'info',
      // Its hourly retention run must not delete the rows under the export.
      RETENTION_INTERVAL_SECONDS: '0',
      // A heap far too small for the export's rows (87 MB as CSV, several times that as objects): an
      // export that gathered them would crash the process, not just grow it.
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=160`.trim(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = child;
  proc.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 60 s:\n${output}`)), 60_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line).port);
    });
    proc.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}, 300_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await testDb?.drop();
});

/** Reads an export to its end, counting its lines; samples the API's memory while it streams. */
async function exportLines(query: string, pid: number) {
  let peak = rssMb(pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 25);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/monitors/${monitorId}/results/export?${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    let lines = 0;
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
      peak = Math.max(peak, rssMb(pid));
    }
    return { lines, bytes, peak };
  } finally {
    clearInterval(sampler);
  }
}

describe('exporting a million results', () => {
  it('streams every row while the API process stays within a fixed memory bound', async () => {
    const pid = child?.pid;
    if (!pid) throw new Error('the API process is not running');
    // Warm up: the code paths, the pool and the first pages are in memory before the baseline.
    const warm = await exportLines(`from=${iso(0)}&to=${iso(2 * 3_600_000)}&format=ndjson`, pid);
    expect(warm.lines).toBe(7200);
    const baseline = rssMb(pid);
    const all = await exportLines(`from=${iso(0)}&to=${iso(ROWS * 1000)}`, pid);
    const growth = all.peak - baseline;
    process.stdout.write(
      `export of ${ROWS} rows: ${(all.bytes / 1e6).toFixed(1)} MB of CSV; API RSS ${baseline.toFixed(1)} MB before, ` +
        `peak ${all.peak.toFixed(1)} MB (growth ${growth.toFixed(1)} MB, bound ${RSS_GROWTH_BOUND_MB} MB)\n`,
    );
    // The header and one line per row: exactly the million seeded.
    expect(all.lines).toBe(ROWS + 1);
    expect(growth).toBeLessThan(RSS_GROWTH_BOUND_MB);
  }, 540_000);
});
