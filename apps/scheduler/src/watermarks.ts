import type { Redis } from 'ioredis';

// Only the lease holder moves a shard's watermark, and only forward.
const ADVANCE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
local current = tonumber(redis.call('GET', KEYS[2]))
if current == nil or current < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[2])
end
return 1`;

export const watermarkKey = (prefix: string, shard: number) => `${prefix}:watermark:shard:${shard}`;

/** How far (epoch ms) the shard's slots have been enqueued, or null when it never was. */
export async function readWatermark(redis: Redis, prefix: string, shard: number): Promise<number | null> {
  const value = await redis.get(watermarkKey(prefix, shard));
  const ms = value === null ? Number.NaN : Number(value);
  return Number.isFinite(ms) ? ms : null;
}

/** Moves the watermark to `toMs` while `token` holds the lease; false when the lease is not ours. */
export async function advanceWatermark(
  redis: Redis,
  options: { prefix: string; shard: number; leaseKey: string; token: string; toMs: number },
): Promise<boolean> {
  const result = await redis.eval(
    ADVANCE,
    2,
    options.leaseKey,
    watermarkKey(options.prefix, options.shard),
    options.token,
    String(Math.floor(options.toMs)),
  );
  return result === 1;
}
