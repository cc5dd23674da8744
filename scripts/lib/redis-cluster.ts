import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { spawnSpec, stopChild } from './process-spec';
import { redisSpec } from './redis';
import { waitFor } from './wait';

const run = promisify(execFile);

export interface LocalRedisCluster {
  /** `host:port,…` of the masters, the value of `REDIS_CLUSTER_NODES`. */
  nodes: string;
  stop: () => Promise<void>;
}

/**
 * A Redis Cluster of `ports.length` masters (no replicas) on 127.0.0.1, each configured as the apps
 * require, formed with `redis-cli --cluster create`; resolves once every node reports the cluster ok.
 */
export async function startRedisCluster(options: {
  dataDir: string;
  ports: number[];
}): Promise<LocalRedisCluster> {
  const children = options.ports.map((port) => {
    const spec = redisSpec({ dataDir: path.join(options.dataDir, String(port)), port, appendOnly: false });
    spec.args.push(
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '5000',
    );
    return { spec, child: spawnSpec(spec, 'ignore') };
  });
  const stop = async () => {
    await Promise.all(children.map(({ child }) => stopChild(child, 'SIGTERM')));
  };
  try {
    await Promise.all(children.map(({ spec }) => spec.ready?.()));
    const addresses = options.ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    await waitFor(
      'every Redis Cluster node to report cluster_state:ok',
      async () => {
        const states = await Promise.all(
          options.ports.map(async (port) => {
            const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
            client.on('error', () => {});
            try {
              await client.connect();
              return String(await client.cluster('INFO')).includes('cluster_state:ok');
            } finally {
              client.disconnect();
            }
          }),
        );
        return states.every(Boolean);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    return { nodes: addresses.join(','), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
