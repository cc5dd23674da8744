import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, migrateToLatest } from '@sentinelmesh/db';
import { insertResults, rollUpResults } from '@sentinelmesh/db/fixtures';
import { freePort } from '@sentinelmesh/stack/ports';
import { StackProcess } from '@sentinelmesh/stack/stack-process';
import autocannon from 'autocannon';
import { ensureWebBuild } from '../stack/web-build';
import { seedMonitors } from './seed';
import { startBenchServices } from './services';

/**
 * `pnpm bench:status-page`: how fast one public status page is served under load, on this machine.
 * Seeds a page of 20 monitors with 90 days of hourly results rolled up (and a second page of 5),
 * starts the API and the dashboard (its server: Next.js behind the status pages' cache) as the launcher runs them, warms both, then drives
 * one page with autocannon: the API's JSON, the dashboard's HTML, and the JSON again while a light
 * reader measures the second page's latency beside it. A last phase runs an API whose per-page
 * budget the hammered page exceeds, and counts how the second page fares. Prints req/s, p50/p99
 * latency and errors per phase, with the load average.
 */
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '16' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const log = (line: string) => process.stderr.write(`bench:status-page | ${line}\n`);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/**
 * Every request of the benchmark comes from 127.0.0.1, one client: its per-page (and 10x per-client)
 * budget is raised so the limiter counts every request (its two Redis calls are in the figures) but
 * refuses none. The last phase lowers it to show the hammered page's budget is its own.
 */
const BENCH_RATE_LIMIT_PER_MINUTE = 1_000_000;
const LIMITED_RATE_LIMIT_PER_MINUTE = 3_000;

await ensureWebBuild(log, (line) => log(line));
const services = await startBenchServices();
const db = createDb({
  connectionString: services.observerUrl,
  max: 4,
  applicationName: 'sentinelmesh-bench',
});

async function seed(): Promise<void> {
  await migrateToLatest(db);
  const org = await db
    .insertInto('organizations')
    .values({ name: 'Bench', slug: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await seedMonitors(db, org.id, {
    count: 20,
    url: 'http://127.0.0.1:9/',
    intervalSeconds: 60,
    label: 'svc',
  });
  const now = Date.now();
  await db
    .updateTable('monitors')
    .set({ created_at: new Date(now - 91 * DAY_MS) } as never)
    .execute();
  await db.updateTable('monitor_state').set({ status: 'up' }).execute();
  const monitors = await db.selectFrom('monitors').select('id').orderBy('name').execute();
  const firstHour = Math.floor((now - 90 * DAY_MS) / HOUR_MS) * HOUR_MS;
  for (const [i, { id }] of monitors.entries()) {
    const results = [];
    // Hourly checks for 90 days; each monitor fails a few hours, on days of its own.
    for (let at = firstHour; at < now; at += HOUR_MS) {
      const hour = (at - firstHour) / HOUR_MS;
      results.push({ scheduledAt: new Date(at), ok: hour % 97 !== i, latencyMs: 80 + ((hour * 7 + i) % 50) });
    }
    await insertResults(db, org.id, id, results);
  }
  await rollUpResults(db, new Date(Math.floor(now / HOUR_MS) * HOUR_MS));
  for (const [slug, members] of [
    ['bench-a', monitors],
    ['bench-b', monitors.slice(0, 5)],
  ] as const) {
    const page = await db
      .insertInto('status_pages')
      .values({ org_id: org.id, slug, title: `Bench ${slug}`, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('status_page_monitors')
      .values(
        members.map((m, position) => ({
          org_id: org.id,
          status_page_id: page.id,
          monitor_id: m.id,
          position,
        })),
      )
      .execute();
  }
}

interface Row {
  phase: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  kbPerRequest: number;
  load1m: number;
}

const load = () => Number(os.loadavg()[0]?.toFixed(2));

function summary(phase: string, result: autocannon.Result): Row {
  const requests = result.requests.total || 1;
  return {
    phase,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    kbPerRequest: Math.round(result.throughput.total / requests / 1024),
    load1m: load(),
  };
}

/** What browsers (and CDNs) ask for. */
const GZIP = { 'accept-encoding': 'gzip' };
/** What browsers send: the dashboard answers with Brotli. */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br, zstd' };

const drive = (url: string, options: Partial<autocannon.Options> = {}) =>
  autocannon({ url, connections, duration: seconds, ...options });

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-bench-status-'));
const stackEnv = (apps: string, apiPort: number, webPort: number, perMinute: number) => ({
  STACK_DATA_DIR: dataDir(),
  STACK_APPS: apps,
  STACK_RUN: 'source',
  DATABASE_URL: services.databaseUrl,
  REDIS_URL: services.redisUrl,
  OPS_PORT_BASE: '0',
  API_PORT: String(apiPort),
  WEB_PORT: String(webPort),
  LOG_LEVEL: 'warn',
  REGIONS: 'local',
  QUEUE_PREFIX: 'benchsp',
  RATE_LIMIT_PER_MINUTE: String(perMinute),
  ROLLUP_INTERVAL_SECONDS: '0',
  RETENTION_INTERVAL_SECONDS: '0',
});

const rows: Row[] = [];
let stack: StackProcess | null = null;
let limited: StackProcess | null = null;
try {
  log('seeding 20 monitors with 90 days of hourly results, rolled up; pages bench-a (20) and bench-b (5)');
  await seed();
  const [apiPort, webPort] = [await freePort(), await freePort()];
  stack = new StackProcess(stackEnv('api,web', apiPort, webPort, BENCH_RATE_LIMIT_PER_MINUTE));
  await stack.start(300_000);
  const api = `http://127.0.0.1:${apiPort}/v1/public/status-pages`;
  const web = `http://127.0.0.1:${webPort}/status`;

  log('warming');
  for (const url of [`${api}/bench-a`, `${api}/bench-b`, `${web}/bench-a`]) {
    const warm = await drive(url, { duration: 3 });
    if (warm.non2xx > 0 || warm.errors > 0)
      throw new Error(`warming ${url}: ${warm.non2xx} non-2xx, ${warm.errors} errors`);
  }

  const probe = await fetch(`${web}/bench-a`, { headers: GZIP });
  await probe.body?.cancel();
  log(
    `dashboard page: x-page-cache ${probe.headers.get('x-page-cache')}, cache-control ${probe.headers.get('cache-control')}, content-encoding ${probe.headers.get('content-encoding')}`,
  );

  for (const [phase, url, headers] of [
    ['api-json bench-a gzip', `${api}/bench-a`, GZIP],
    ['api-json bench-a identity', `${api}/bench-a`, {}],
    ['web-html bench-a gzip', `${web}/bench-a`, GZIP],
    ['web-html bench-a br', `${web}/bench-a`, BROWSER],
    ['web-html bench-a identity', `${web}/bench-a`, {}],
  ] as const) {
    log(`${phase}: ${connections} connections for ${seconds} s`);
    rows.push(summary(phase, await drive(url, { headers })));
    log(JSON.stringify(rows.at(-1)));
  }

  log('API JSON of bench-a hammered while one connection reads bench-b at 20 req/s');
  const [hammered, beside] = await Promise.all([
    drive(`${api}/bench-a`, { headers: GZIP }),
    drive(`${api}/bench-b`, { connections: 1, overallRate: 20, headers: GZIP }),
  ]);
  rows.push(summary('api-json bench-a (hammered)', hammered));
  rows.push(summary('api-json bench-b (beside it)', beside));
  log(JSON.stringify(rows.at(-2)));
  log(JSON.stringify(rows.at(-1)));

  await stack.stop();
  stack = null;
  log(
    `an API with a per-page budget of ${LIMITED_RATE_LIMIT_PER_MINUTE}/min: bench-a beyond it, bench-b beside it`,
  );
  const limitedPort = await freePort();
  // Its own prefix: fresh counters, not the ones the earlier phases filled this minute.
  limited = new StackProcess({
    ...stackEnv('api', limitedPort, await freePort(), LIMITED_RATE_LIMIT_PER_MINUTE),
    QUEUE_PREFIX: 'benchsplimited',
  });
  await limited.start();
  const limitedApi = `http://127.0.0.1:${limitedPort}/v1/public/status-pages`;
  // 1,000 req/s for the window: past the page's budget, within the client's (ten times it) over all pages.
  const [over, kept] = await Promise.all([
    drive(`${limitedApi}/bench-a`, { headers: GZIP, overallRate: 1_000 }),
    drive(`${limitedApi}/bench-b`, { connections: 1, overallRate: 20, headers: GZIP }),
  ]);
  rows.push(summary('limited: bench-a over its budget', over));
  rows.push(summary('limited: bench-b beside it', kept));
  log(JSON.stringify(rows.at(-2)));
  log(JSON.stringify(rows.at(-1)));
  log(
    `limited: bench-a answered ${over.requests.total - over.non2xx} within its budget and ${over['4xx']} with 429; bench-b ${kept.non2xx} refused of ${kept.requests.total}`,
  );
} finally {
  await limited?.stop();
  await stack?.stop();
  await db.destroy();
  await services.stop();
}

console.table(rows);
process.stdout.write(`${JSON.stringify({ cpus: os.cpus().length, loadavg: os.loadavg(), rows })}\n`);
