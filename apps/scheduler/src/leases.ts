import { randomUUID } from 'node:crypto';
import { fnv1a, shardLeaseKey } from '@sentinelmesh/core';
import type { RedisClient } from '@sentinelmesh/platform';

// Renew and release only a lease we still hold: compare the token and act in one step.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;
// Take a free lease, or, for a scheduler with a stable name, one its own previous life still holds.
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or (ARGV[3] ~= '' and string.sub(holder, 1, #ARGV[3]) == ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export const schedulersKey = (prefix: string) => `${prefix}:schedulers`;

/** The most shards one of `instances` live schedulers should hold so that together they hold all. */
export function fairShare(shards: number, instances: number): number {
  return Math.ceil(shards / Math.max(1, instances));
}

export interface ShardLeasesOptions {
  redis: RedisClient;
  prefix: string;
  shards: number;
  ttlMs: number;
  clock: () => number;
  /**
   * A stable name (a StatefulSet pod, a supervised process slot). Restarted under the same name, a
   * scheduler takes back at once the leases its previous life still holds instead of waiting for
   * them to expire; two live schedulers must never share one.
   */
  instanceId?: string;
}

/** Shard leases of one scheduler instance in Redis, and its heartbeat among the live instances. */
export class ShardLeases {
  readonly instanceId: string;
  /** Unique per process, after the instance's name: a lease is ours only while its key holds this token. */
  readonly token: string;
  /** The token prefix of this instance's earlier lives, when it has a stable name. */
  private readonly reclaimPrefix: string;
  private readonly held = new Set<number>();
  /** This instance's order of preference over shards, so instances do not all race for shard 0. */
  private readonly preference: number[];

  constructor(private readonly options: ShardLeasesOptions) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.token = `${this.instanceId}/${randomUUID()}`;
    this.reclaimPrefix = options.instanceId ? `${options.instanceId}/` : '';
    const offset = fnv1a(this.instanceId) % options.shards;
    this.preference = Array.from({ length: options.shards }, (_, i) => (offset + i) % options.shards);
  }

  owned(): number[] {
    return this.preference.filter((shard) => this.held.has(shard));
  }

  holds(shard: number): boolean {
    return this.held.has(shard);
  }

  key(shard: number): string {
    return shardLeaseKey(this.options.prefix, shard);
  }

  /** Announces this instance as alive for one TTL and returns how many instances are alive. */
  async heartbeat(): Promise<number> {
    const { redis, prefix, ttlMs, clock } = this.options;
    const now = clock();
    const key = schedulersKey(prefix);
    const replies = await redis
      .multi()
      .zadd(key, now + ttlMs, this.instanceId)
      .zremrangebyscore(key, '-inf', now)
      .zcard(key)
      .pexpire(key, ttlMs * 3)
      .exec();
    const count = replies?.[2]?.[1];
    return typeof count === 'number' ? count : 1;
  }

  /** Extends every held lease; returns the shards whose lease was lost (expired or taken). */
  async renew(): Promise<number[]> {
    const lost: number[] = [];
    for (const shard of this.owned()) {
      const renewed = await this.options.redis.eval(
        RENEW,
        1,
        this.key(shard),
        this.token,
        this.options.ttlMs,
      );
      if (renewed !== 1) {
        this.held.delete(shard);
        lost.push(shard);
      }
    }
    return lost;
  }

  /**
   * Tries to take up to `count` shards that nobody holds (or that this instance's previous life
   * holds, under a stable name), in this instance's order of preference.
   */
  async acquire(count: number): Promise<number[]> {
    if (count <= 0) return [];
    const candidates = this.preference.filter((shard) => !this.held.has(shard));
    if (candidates.length === 0) return [];
    // One GET a shard rather than MGET: on a cluster the shards' keys live in different slots.
    const holders = await Promise.all(candidates.map((shard) => this.options.redis.get(this.key(shard))));
    const acquired: number[] = [];
    for (const [i, shard] of candidates.entries()) {
      if (acquired.length >= count) break;
      const holder = holders[i] ?? null;
      if (holder !== null && !(this.reclaimPrefix && holder.startsWith(this.reclaimPrefix))) continue;
      const ok = await this.options.redis.eval(
        ACQUIRE,
        1,
        this.key(shard),
        this.token,
        this.options.ttlMs,
        this.reclaimPrefix,
      );
      if (ok === 1) {
        this.held.add(shard);
        acquired.push(shard);
      }
    }
    return acquired;
  }

  /** The held shards beyond `target`, least preferred first: the ones to hand over. */
  extras(target: number): number[] {
    return this.owned().slice(Math.max(0, target)).reverse();
  }

  /** Forgets a shard whose lease turned out not to be ours any more. */
  forget(shard: number): void {
    this.held.delete(shard);
  }

  async release(shard: number): Promise<void> {
    this.held.delete(shard);
    await this.options.redis.eval(RELEASE, 1, this.key(shard), this.token);
  }

  /** Releases every lease and leaves the set of live instances, so others take over at once. */
  async leave(): Promise<void> {
    for (const shard of this.owned()) await this.release(shard);
    await this.options.redis.zrem(schedulersKey(this.options.prefix), this.instanceId);
  }
}
