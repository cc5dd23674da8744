import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/** An ioredis connection fit for BullMQ (it requires `maxRetriesPerRequest: null`). */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

export class RedisPolicyError extends Error {}

/**
 * Queues and leases must never be evicted: refuse a Redis whose maxmemory-policy is not
 * `noeviction`, and warn when it keeps no append-only file (a restart would lose queued work).
 */
export async function assertRedisPolicy(redis: Redis, logger: Logger): Promise<void> {
  const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
  if (policy[1] !== 'noeviction') {
    throw new RedisPolicyError(
      `Redis maxmemory-policy is "${policy[1]}"; SentinelMesh requires "noeviction" (set maxmemory-policy noeviction)`,
    );
  }
  const aof = (await redis.config('GET', 'appendonly')) as string[];
  if (aof[1] !== 'yes')
    logger.warn('Redis runs without AOF (appendonly no): a Redis restart loses queued jobs');
}
