import { once } from 'node:events';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOpsEndpoints, startAppProcess } from '../../../test/support/app-process';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const startApp = (env: Record<string, string>) =>
  startAppProcess('scheduler', { DATABASE_URL: t.url, REDIS_URL: testRedisUrl(), OPS_PORT: '0', ...env });

describe('scheduler process', () => {
  it('serves health, readiness and metrics, holds every shard alone and stops cleanly on SIGTERM', async () => {
    const { child, listeningPort } = startApp({ QUEUE_PREFIX: uniqueQueuePrefix(), SHARDS: '4' });
    try {
      const metrics = await expectOpsEndpoints(await listeningPort());
      expect(metrics).toMatch(/scheduler_owned_shards\{app="scheduler"\} 4/);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 60_000);

  it('exits non-zero and names the variable when the configuration is invalid', async () => {
    const { child, output } = startApp({ SHARDS: 'many' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('SHARDS');
  }, 30_000);
});
