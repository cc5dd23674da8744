import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { baseEnvShape, EnvError, parseEnv } from '../src/env';
import { queuePrefix } from '../src/redis';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1/db' };

describe('where Redis is', () => {
  it('reads REDIS_CLUSTER_NODES as host:port seeds', () => {
    const env = parseEnv(baseEnvShape, { ...base, REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' });
    expect(env.REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
  });

  it('refuses a node without a port, naming the variable', () => {
    expect(() => parseEnv(baseEnvShape, { ...base, REDIS_CLUSTER_NODES: 'redis-a' })).toThrow(
      /REDIS_CLUSTER_NODES.*host:port/s,
    );
  });

  it('needs REDIS_URL or REDIS_CLUSTER_NODES', () => {
    expect(() => parseEnv(baseEnvShape, base)).toThrow(EnvError);
    expect(() => parseEnv(baseEnvShape, base)).toThrow(/REDIS_URL.*REDIS_CLUSTER_NODES/);
    expect(parseEnv(baseEnvShape, { ...base, REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL).toBe(
      'redis://127.0.0.1:6379',
    );
  });
});

describe('queue key prefixes', () => {
  it('keep the plain prefix on one server and give each queue its own hash tag on a cluster', () => {
    const server = new Redis({ lazyConnect: true });
    expect(queuePrefix(server, 'sm', 'checks-eu')).toBe('sm');
    expect(queuePrefix({ isCluster: true } as unknown as Redis, 'sm', 'checks-eu')).toBe('{sm:checks-eu}');
    server.disconnect();
  });
});
