import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@sentinelmesh/stack/ports';
import { ensureDatabase, preparePostgres, serviceUser } from '@sentinelmesh/stack/postgres';
import { spawnSpec } from '@sentinelmesh/stack/process-spec';
import { redisSpec } from '@sentinelmesh/stack/redis';

export interface BenchServices {
  databaseUrl: string;
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
  const redisPort = await freePort();
  const redis = redisSpec({ dataDir: path.join(root, 'redis'), port: redisPort, appendOnly: true });
  const children = [spawnSpec(postgres.spec, 'ignore'), spawnSpec(redis, 'ignore')];
  await Promise.all([postgres.spec.ready?.(), redis.ready?.()]);
  const databaseUrl = await ensureDatabase(postgres.adminUrl, 'bench');
  return {
    databaseUrl,
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
