import { shardKeyTag } from '@sentinelmesh/core';
import type { RedisClient } from '@sentinelmesh/platform';

// Only the lease holder moves a shard's watermark, only forward, and only from where it left it.
const ADVANCE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {-1, ''}
end
local current = tonumber(redis.call('GET', KEYS[2]))
if current ~= nil and current < tonumber(ARGV[3]) then
  return {0, tostring(current)}
end
if current == nil or current < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[2])
end
return {1, ''}`;

export const watermarkKey = (prefix: string, shard: number) => `${shardKeyTag(prefix, shard)}:watermark`;
/** Where releases before the cluster-ready key names kept the watermark: read once after an upgrade. */
const legacyWatermarkKey = (prefix: string, shard: number) => `${prefix}:watermark:shard:${shard}`;

/** How far (epoch ms) the shard's slots have been enqueued, or null when it never was. */
export async function readWatermark(
  redis: RedisClient,
  prefix: string,
  shard: number,
): Promise<number | null> {
  const value =
    (await redis.get(watermarkKey(prefix, shard))) ?? (await redis.get(legacyWatermarkKey(prefix, shard)));
  const ms = value === null ? Number.NaN : Number(value);
  return Number.isFinite(ms) ? ms : null;
}

export type AdvanceOutcome =
  | { outcome: 'advanced' }
  | { outcome: 'not-ours' }
  /** Redis holds less than this instance stored last (a restart lost writes): nothing was moved. */
  | { outcome: 'behind'; storedMs: number };

/**
 * Moves the watermark to `toMs` while `token` holds the lease and the stored watermark is still at
 * least `expectedMs`, the value this instance stored last.
 */
export async function advanceWatermark(
  redis: RedisClient,
  options: {
    prefix: string;
    shard: number;
    leaseKey: string;
    token: string;
    expectedMs: number;
    toMs: number;
  },
): Promise<AdvanceOutcome> {
  const [code, stored] = (await redis.eval(
    ADVANCE,
    2,
    options.leaseKey,
    watermarkKey(options.prefix, options.shard),
    options.token,
    String(Math.floor(options.toMs)),
    String(Math.floor(options.expectedMs)),
  )) as [number, string];
  if (code === -1) return { outcome: 'not-ours' };
  if (code === 0) return { outcome: 'behind', storedMs: Number(stored) };
  return { outcome: 'advanced' };
}
