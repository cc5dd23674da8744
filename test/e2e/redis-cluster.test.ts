import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@sentinelmesh/stack/ports';
import { type LocalRedisCluster, startRedisCluster } from '@sentinelmesh/stack/redis-cluster';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineScenario } from './pipeline-scenario';

let dataDir: string;
let cluster: LocalRedisCluster;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  cluster = await startRedisCluster({ dataDir, ports });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

pipelineScenario('the whole pipeline on a 3-master Redis Cluster (REDIS_CLUSTER_NODES)', () => ({
  clusterNodes: cluster.nodes,
}));

describe('the keys the pipeline left on the cluster', () => {
  it('spread over more than one master, each queue and each shard within one hash slot', async () => {
    const client = new Cluster(
      cluster.nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })),
    );
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const keys: string[] = [];
      const mastersWithKeys = new Set<string>();
      for (const node of client.nodes('master')) {
        const found = await node.keys('*');
        if (found.length > 0) mastersWithKeys.add(`${node.options.port}`);
        keys.push(...found);
      }
      const queueKeys = keys.filter((key) => /:(checks-local|verify|notifications):/.test(key));
      expect(queueKeys.length).toBeGreaterThan(0);
      for (const key of queueKeys) expect(key).toMatch(/^\{[^}]+:(checks-local|verify|notifications)\}:/);
      const shardKeys = keys.filter((key) => /:shard:\d+\}:(lease|watermark)$/.test(key));
      expect(shardKeys.some((key) => key.endsWith(':lease'))).toBe(true);
      expect(shardKeys.some((key) => key.endsWith(':watermark'))).toBe(true);
      expect(mastersWithKeys.size).toBeGreaterThan(1);
    } finally {
      client.disconnect();
    }
  });
});
