import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { ProcessSpec } from './process-spec';
import { waitFor } from './wait';

export function findRedisServer(): string | null {
  const result = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

export interface RedisOptions {
  dataDir: string;
  port: number;
  /** AOF on (the local stack, as in production) or off (tests). */
  appendOnly: boolean;
}

/** How to run a Redis server configured as the apps require (`noeviction`). */
export function redisSpec(options: RedisOptions): ProcessSpec {
  const command = findRedisServer();
  if (!command) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)');
  mkdirSync(options.dataDir, { recursive: true });
  const url = `redis://127.0.0.1:${options.port}`;
  return {
    name: 'redis',
    command,
    args: [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      options.dataDir,
      '--appendonly',
      options.appendOnly ? 'yes' : 'no',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
    ],
    ready: () => waitForRedis(url),
  };
}

export async function waitForRedis(url: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `Redis at ${new URL(url).host}`,
    async () => {
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => {});
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    },
    { timeoutMs, intervalMs: 100 },
  );
}
