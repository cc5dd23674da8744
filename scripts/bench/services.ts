import type { ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@sentinelmesh/stack/ports';
import { ensureDatabase, preparePostgres, serviceUser } from '@sentinelmesh/stack/postgres';
import { spawnSpec } from '@sentinelmesh/stack/process-spec';
import { redisSpec } from '@sentinelmesh/stack/redis';
import pg from 'pg';

export interface BenchServices {
  /** The apps' connection. */
  databaseUrl: string;
  /**
   * The bench's own connection, as another role (`sentinelmesh_bench`), so that the statement
   * counters of the apps can leave the bench's queries out.
   */
  observerUrl: string;
  /** Whether pg_stat_statements is loaded and created in the bench database. */
  statementStats: boolean;
  redisUrl: string;
  root: string;
  pids: { postgres: number | null; redis: number | null };
  stop: () => Promise<void>;
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Whether the server's install ships pg_stat_statements (Debian's, and the embedded package's, do). */
function hasStatementStats(postgresBinary: string): boolean {
  const lib = path.resolve(path.dirname(realpathSync(postgresBinary)), '..', 'lib');
  return ['pg_stat_statements.so', 'postgresql/pg_stat_statements.so'].some((f) =>
    existsSync(path.join(lib, f)),
  );
}

const OBSERVER_ROLE = 'sentinelmesh_bench';

/** The bench's own login (a superuser, as the apps' is here) and, when loaded, the statement counters. */
async function prepareObserver(databaseUrl: string, statementStats: boolean): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${OBSERVER_ROLE} LOGIN SUPERUSER`);
    if (statementStats) await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.username = OBSERVER_ROLE;
  return url.toString();
}

/** A durable Postgres and an AOF Redis of its own, as production runs them, in a temporary folder. */
export async function startBenchServices(): Promise<BenchServices> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-bench-'));
  const user = serviceUser();
  if (user) chownSync(root, user.uid, user.gid);
  const postgres = await preparePostgres({
    dataDir: path.join(root, 'pg'),
    port: await freePort(),
    profile: 'durable',
  });
  // The statement counters, for the bench only: the module must be loaded when the server starts.
  const statementStats = hasStatementStats(postgres.binaries.postgres);
  if (statementStats) {
    postgres.spec.args.push(
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'pg_stat_statements.max=10000',
    );
  }
  const redisPort = await freePort();
  const redis = redisSpec({ dataDir: path.join(root, 'redis'), port: redisPort, appendOnly: true });
  const children = [spawnSpec(postgres.spec, 'ignore'), spawnSpec(redis, 'ignore')];
  await Promise.all([postgres.spec.ready?.(), redis.ready?.()]);
  const databaseUrl = await ensureDatabase(postgres.adminUrl, 'bench');
  const observerUrl = await prepareObserver(databaseUrl, statementStats);
  return {
    databaseUrl,
    observerUrl,
    statementStats,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    root,
    pids: { postgres: children[0]?.pid ?? null, redis: children[1]?.pid ?? null },
    stop: async () => {
      await Promise.all([
        stop(children[0] as ChildProcess, 'SIGINT'),
        stop(children[1] as ChildProcess, 'SIGTERM'),
      ]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
