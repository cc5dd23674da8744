import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, migrateToLatest } from '@sentinelmesh/db';
import type {} from '@sentinelmesh/db/testing';
import { freePort } from '@sentinelmesh/stack/ports';
import { ensureDatabase, preparePostgres, serviceUser } from '@sentinelmesh/stack/postgres';
import { spawnSpec, stopChild } from '@sentinelmesh/stack/process-spec';
import { redisSpec } from '@sentinelmesh/stack/redis';
import type { TestProject } from 'vitest/node';

const TEMPLATE = 'sentinelmesh_template';

/** Starts a private Postgres and Redis on free ports and a migrated template database for the whole run. */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-test-'));
  const user = serviceUser();
  if (user) chownSync(root, user.uid, user.gid);
  const [pgPort, redisPort] = [await freePort(), await freePort()];

  const postgres = await preparePostgres({
    dataDir: path.join(root, 'postgres'),
    port: pgPort,
    profile: 'fast',
  });
  const pgProcess = spawnSpec(postgres.spec);
  const redis = redisSpec({ dataDir: path.join(root, 'redis'), port: redisPort, appendOnly: false });
  const redisProcess = spawnSpec(redis);
  const logs: string[] = [];
  for (const child of [pgProcess, redisProcess]) {
    child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  }
  try {
    await Promise.all([postgres.spec.ready?.(), redis.ready?.()]);
  } catch (error) {
    console.error(logs.join(''));
    throw error;
  }

  const templateUrl = await ensureDatabase(postgres.adminUrl, TEMPLATE);
  const db = createDb({ connectionString: templateUrl, max: 1 });
  await migrateToLatest(db);
  await db.destroy();

  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('templateDatabase', TEMPLATE);
  project.provide('redisUrl', `redis://127.0.0.1:${redisPort}`);

  return async () => {
    await Promise.all([stopChild(pgProcess, 'SIGINT'), stopChild(redisProcess, 'SIGTERM')]);
    rmSync(root, { recursive: true, force: true });
  };
}
