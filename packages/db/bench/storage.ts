import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@sentinelmesh/stack/ports';
import { ensureDatabase, preparePostgres, serviceUser } from '@sentinelmesh/stack/postgres';
import { spawnSpec } from '@sentinelmesh/stack/process-spec';
import { sql } from 'kysely';
import { createDb, type Db, ensureResultPartitions, migrateToLatest } from '../src';
import { insertMonitors } from '../src/fixtures';
import { createTimescaleTestDatabase } from '../src/testing/timescale';

/**
 * `pnpm --filter @sentinelmesh/db bench:storage`: bytes on disk per stored check result, on plain
 * Postgres (day partitions with their unique index) and on TimescaleDB (hypertable before and after
 * compression by its policy), for the same generated results: one-minute checks of `--monitors`
 * monitors over `--days` days, phases filled in, 1 % failures with a message. Prints a table and the
 * disk that 1,000 monitors at a 60 s interval fill in a month on each.
 */
const { values: args } = parseArgs({
  options: { monitors: { type: 'string', default: '20' }, days: { type: 'string', default: '3' } },
});
const MONITORS = Number(args.monitors);
const DAYS = Number(args.days);
const DAY_MS = 86_400_000;
// Old enough for the compression policy (7 days).
const END = Math.floor(Date.now() / DAY_MS) * DAY_MS - 8 * DAY_MS;
const START = END - DAYS * DAY_MS;
const log = (line: string) => process.stderr.write(`bench:storage | ${line}\n`);

async function seed(db: Db): Promise<number> {
  const org = await db
    .insertInto('organizations')
    .values({ name: 'Bench', slug: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertMonitors(
    db,
    org.id,
    Array.from({ length: MONITORS }, (_, i) => ({ config: { name: `m${i}` } })),
  );
  await sql`SELECT setseed(0.42)`.execute(db);
  // A day per statement keeps each one short on the single-connection engine.
  for (let day = START; day < END; day += DAY_MS) {
    await sql`
      INSERT INTO check_results (org_id, monitor_id, scheduled_at, checked_at, region, kind, attempt, ok,
        status_code, latency_ms, phases, error_kind, error_message, failed_assertions)
      SELECT m.org_id, m.id, t, t + interval '412 milliseconds', 'eu-west', 'scheduled', 0, r.ok,
        CASE WHEN r.ok THEN 200 ELSE 503 END, r.latency,
        jsonb_build_object('dnsMs', 3 + r.latency % 7, 'connectMs', 10 + r.latency % 13, 'tlsMs', 20 + r.latency % 17,
          'ttfbMs', r.latency - 40, 'transferMs', 2 + r.latency % 5),
        CASE WHEN r.ok THEN NULL ELSE 'http_status' END,
        CASE WHEN r.ok THEN NULL ELSE 'expected status 200, got 503' END, '[]'::jsonb
      FROM monitors m
      CROSS JOIN generate_series(${new Date(day)}::timestamptz, ${new Date(day + DAY_MS - 60_000)}::timestamptz,
        interval '1 minute') t
      CROSS JOIN LATERAL (SELECT random() > 0.01 AS ok, (60 + random() * 240)::integer AS latency
        WHERE t IS NOT NULL) r`.execute(db);
  }
  const { rows } = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM check_results`.execute(db);
  return rows[0]?.n ?? 0;
}

const perMonthGb = (bytesPerResult: number) => (bytesPerResult * 1000 * 43_200) / 1e9;
const results: Array<{ engine: string; rows: number; bytes: number }> = [];

const root = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-storage-bench-'));
const user = serviceUser();
if (user) chownSync(root, user.uid, user.gid);
const postgres = await preparePostgres({
  dataDir: path.join(root, 'pg'),
  port: await freePort(),
  profile: 'fast',
});
const pgProcess = spawnSpec(postgres.spec, 'ignore');
try {
  await postgres.spec.ready?.();
  const db = createDb({ connectionString: await ensureDatabase(postgres.adminUrl, 'bench'), max: 2 });
  await migrateToLatest(db);
  await ensureResultPartitions(db, new Date(START), DAYS + 1);
  log(`plain Postgres: writing ${MONITORS} monitors × ${DAYS} days of one-minute results`);
  const rows = await seed(db);
  await sql`VACUUM ANALYZE check_results`.execute(db);
  const { rows: size } = await sql<{ bytes: string }>`
    SELECT sum(pg_total_relation_size(relid))::bigint AS bytes FROM pg_partition_tree('check_results')
    WHERE isleaf`.execute(db);
  results.push({ engine: 'Postgres 17, day partitions', rows, bytes: Number(size[0]?.bytes) });
  await db.destroy();
} finally {
  pgProcess.kill('SIGINT');
}

const ts = await createTimescaleTestDatabase();
try {
  log('TimescaleDB: the same results');
  const rows = await seed(ts.db);
  const size = async () =>
    Number(
      (await sql<{ bytes: string }>`SELECT hypertable_size('check_results')::bigint AS bytes`.execute(ts.db))
        .rows[0]?.bytes,
    );
  results.push({ engine: 'TimescaleDB 2.23, uncompressed', rows, bytes: await size() });
  const { rows: jobs } = await sql<{ id: number }>`
    SELECT job_id AS id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'`.execute(
    ts.db,
  );
  await sql`CALL run_job(${jobs[0]?.id})`.execute(ts.db);
  results.push({ engine: 'TimescaleDB 2.23, compressed by its policy', rows, bytes: await size() });
} finally {
  await ts.drop();
  rmSync(root, { recursive: true, force: true });
}

const lines = [
  '| engine | results | bytes on disk | bytes per result | GB per 1,000 monitors per month (60 s) |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...results.map((r) => {
    const per = r.bytes / r.rows;
    return `| ${r.engine} | ${r.rows.toLocaleString('en')} | ${r.bytes.toLocaleString('en')} | ${per.toFixed(1)} | ${perMonthGb(per).toFixed(1)} |`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);
