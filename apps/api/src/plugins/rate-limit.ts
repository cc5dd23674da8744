import fastifyRateLimit from '@fastify/rate-limit';
import { DomainError } from '@sentinelmesh/core';
import type { RedisClient } from '@sentinelmesh/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const WINDOW_MS = 60_000;

/** Counts one request against `key`'s budget; throws a 429 problem (with Retry-After) once it is spent. */
export type Limiter = (request: FastifyRequest, reply: FastifyReply, key: string) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** A per-minute limiter named `name` (its own Redis counters); `perMinute` 0 allows everything. */
    limiter(name: string, perMinute: number): Limiter;
  }
}

/** Fixed one-minute windows counted in Redis, so every API process shares the same budgets. */
export const rateLimitPlugin = fp<{ redis: RedisClient; prefix: string }>(
  async (app, { redis, prefix }) => {
    await app.register(fastifyRateLimit, {
      global: false,
      redis,
      nameSpace: `${prefix}:rl:`,
      timeWindow: WINDOW_MS,
      skipOnError: true,
    });
    app.decorate('limiter', (name: string, perMinute: number): Limiter => {
      if (perMinute <= 0) return async () => undefined;
      const keys = new WeakMap<FastifyRequest, string>();
      const check = app.createRateLimit({
        max: perMinute,
        timeWindow: WINDOW_MS,
        keyGenerator: (request) => `${name}:${keys.get(request) ?? ''}`,
      });
      return async (request, reply, key) => {
        keys.set(request, key);
        const result = await check(request);
        if (!('isExceeded' in result) || !result.isExceeded) return;
        reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
        throw new DomainError('rate_limited', `too many requests; retry in ${result.ttlInSeconds} s`);
      };
    });
  },
  { name: 'rate-limit' },
);
