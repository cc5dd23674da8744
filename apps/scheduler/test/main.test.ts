import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers';

const appDir = fileURLToPath(new URL('..', import.meta.url));

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn('node_modules/.bin/tsx', ['src/main.ts'], {
    cwd: appDir,
    env: { ...process.env, DATABASE_URL: t.url, REDIS_URL: testRedisUrl(), OPS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

describe('scheduler process', () => {
  it('serves health, readiness and metrics, holds every shard alone and stops cleanly on SIGTERM', async () => {
    const { child, output } = start({ QUEUE_PREFIX: uniqueQueuePrefix(), SHARDS: '4' });
    try {
      const port = await waitFor(
        'the listening line',
        () => {
          const line = output()
            .split('\n')
            .find((l) => l.includes('"msg":"listening"'));
          return line ? (JSON.parse(line) as { port: number }).port : undefined;
          // Generous: the suite starts whole stacks in parallel on two cores.
        },
        30_000,
      );
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/scheduler_owned_shards\{app="scheduler"\} 4/);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 60_000);

  it('exits non-zero and names the variable when the configuration is invalid', async () => {
    const { child, output } = start({ SHARDS: 'many' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('SHARDS');
  }, 30_000);
});
