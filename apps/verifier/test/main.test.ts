import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { freePort } from '@sentinelmesh/stack/ports';
import { findRedisServer, waitForRedis } from '@sentinelmesh/stack/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOpsEndpoints, startAppProcess } from '../../../test/support/app-process';
import { TEST_SECRETS_KEY } from './fixtures';

const startVerifier = (env: Record<string, string>) => startAppProcess('verifier', env, { inherit: false });

let tdb: TestDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await tdb?.drop();
});

describe('verifier process', () => {
  const baseEnv = () => ({
    DATABASE_URL: tdb.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: uniqueQueuePrefix(),
    OPS_PORT: '0',
    HOST: '127.0.0.1',
    SECRETS_KEY: TEST_SECRETS_KEY,
    REGIONS: 'local',
  });

  it('starts, reports listening, answers /ready and /metrics, and drains on SIGTERM', async () => {
    const started = startVerifier(baseEnv());
    children.push(started.child);
    const metrics = await expectOpsEndpoints(await started.listeningPort());
    expect(metrics).toContain('sentinel_verdicts_total');
    expect(metrics).toContain('sentinel_alert_deliveries_total');

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  }, 60_000);

  it('exits non-zero naming the variable when SECRETS_KEY is missing', async () => {
    const { SECRETS_KEY: _omitted, ...env } = baseEnv();
    const started = startVerifier(env);
    children.push(started.child);
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toContain('SECRETS_KEY');
  }, 30_000);

  it('refuses to start on a Redis that may evict keys', async () => {
    const command = findRedisServer();
    if (!command) throw new Error('redis-server is required for this test');
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'verifier-redis-'));
    const redis = spawn(
      command,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      { stdio: 'ignore' },
    );
    children.push(redis);
    try {
      await waitForRedis(`redis://127.0.0.1:${port}`);
      const started = startVerifier({ ...baseEnv(), REDIS_URL: `redis://127.0.0.1:${port}` });
      children.push(started.child);
      expect(await started.exited).toBe(1);
      expect(started.stderr()).toContain('noeviction');
    } finally {
      redis.kill('SIGTERM');
      await new Promise((resolve) => (redis.exitCode === null ? redis.once('exit', resolve) : resolve(null)));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
