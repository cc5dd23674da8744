import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';
import { EnvError } from './env';
import type { Logger } from './logger';

/** One Redis server or a Redis Cluster: every app works over either. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one server (`REDIS_URL`) or the seed nodes of a cluster (`REDIS_CLUSTER_NODES`). */
export interface RedisTarget {
  REDIS_URL?: string | undefined;
  REDIS_CLUSTER_NODES?: ClusterNode[] | undefined;
}

/** An ioredis connection fit for BullMQ (it requires `maxRetriesPerRequest: null`). */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/**
 * Connects to the deployment's Redis: a cluster when `REDIS_CLUSTER_NODES` is set (the nodes are
 * seeds; the client discovers the rest), else the server at `REDIS_URL`.
 */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  const nodes = target.REDIS_CLUSTER_NODES;
  if (nodes && nodes.length > 0) {
    return new Cluster(nodes, {
      enableReadyCheck: true,
      redisOptions: { maxRetriesPerRequest: null, enableReadyCheck: true, ...options },
    });
  }
  if (!target.REDIS_URL)
    throw new EnvError('invalid configuration:\n  REDIS_URL: Required (or REDIS_CLUSTER_NODES)');
  return createRedis(target.REDIS_URL, options);
}

/**
 * A new connection to the same Redis fit for a BullMQ worker, which refuses a client that gives up
 * on commands (`maxRetriesPerRequest` must be null): the API's own client fails requests fast.
 */
export function duplicateForBullmq(client: RedisClient): RedisClient {
  if (client instanceof Cluster) {
    return client.duplicate(undefined, {
      redisOptions: { ...client.options.redisOptions, maxRetriesPerRequest: null },
    });
  }
  return client.duplicate({ maxRetriesPerRequest: null });
}

/**
 * The BullMQ key prefix of one queue. A BullMQ script touches many keys of its queue, which a
 * cluster allows only when they share a hash slot: there each queue's keys carry a hash tag of
 * their own, so queues spread over the masters. One server keeps the plain prefix.
 */
export function queuePrefix(connection: RedisClient, prefix: string, queueName: string): string {
  return connection.isCluster ? `{${prefix}:${queueName}}` : prefix;
}

/** The masters to ask about server settings: every master of a cluster, or the one server. */
function policyTargets(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

export class RedisPolicyError extends Error {}

/**
 * Queues and leases must never be evicted: refuse a Redis whose maxmemory-policy is not
 * `noeviction` (on a cluster, any master), and warn when it keeps no append-only file (a restart
 * would lose queued work).
 */
export async function assertRedisPolicy(redis: RedisClient, logger: Logger): Promise<void> {
  if (redis instanceof Cluster && redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', resolve);
      redis.once('end', () => reject(new Error('Redis Cluster connection ended before it was ready')));
    });
  }
  for (const node of policyTargets(redis)) {
    const where = redis.isCluster ? ` on ${node.options.host}:${node.options.port}` : '';
    const policy = (await node.config('GET', 'maxmemory-policy')) as string[];
    if (policy[1] !== 'noeviction') {
      throw new RedisPolicyError(
        `Redis maxmemory-policy is "${policy[1]}"${where}; SentinelMesh requires "noeviction" (set maxmemory-policy noeviction)`,
      );
    }
    const aof = (await node.config('GET', 'appendonly')) as string[];
    if (aof[1] !== 'yes')
      logger.warn(`Redis runs without AOF (appendonly no)${where}: a Redis restart loses queued jobs`);
  }
}
