import { createHash } from 'node:crypto';
import type { RedisClient } from '@sentinelmesh/platform';

/** A Redis command that has not answered in this time counts as Redis being down. */
const REDIS_TIMEOUT_MS = 1_000;

// One key per script call, so the counters also work on a Redis Cluster.
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {n, ttl}`;
const PEEK = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
return {n, redis.call('PTTL', KEYS[1])}`;

export interface Count {
  count: number;
  /** Until the window of this key ends (0 when it has no window yet). */
  ttlMs: number;
}

/** Redis did not answer: callers decide whether to fail open or closed. */
export class CountersUnavailableError extends Error {}

/** A short, stable stand-in for a secret or personal value inside a Redis key. */
export const keyPart = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/** Fixed-window counters in Redis, shared by every API process. */
export class Counters {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Counts one event against `key` in a window of `windowMs` that starts with the first event. */
  hit(key: string, windowMs: number): Promise<Count> {
    return this.run(this.redis.eval(HIT, 1, this.prefix + key, windowMs));
  }

  /** The current count of `key` without adding to it. */
  peek(key: string): Promise<Count> {
    return this.run(this.redis.eval(PEEK, 1, this.prefix + key));
  }

  async clear(key: string): Promise<void> {
    await this.timed(this.redis.del(this.prefix + key));
  }

  private async run(command: Promise<unknown>): Promise<Count> {
    const [count, ttl] = (await this.timed(command)) as [number, number];
    return { count: Number(count), ttlMs: Math.max(0, Number(ttl)) };
  }

  private timed<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CountersUnavailableError('Redis did not answer')),
        REDIS_TIMEOUT_MS,
      );
    });
    return Promise.race([
      command.catch((error: unknown) => {
        throw new CountersUnavailableError(error instanceof Error ? error.message : 'Redis failed');
      }),
      timeout,
    ]).finally(() => clearTimeout(timer));
  }
}
