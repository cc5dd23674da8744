import type { RedisClient } from '@sentinelmesh/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { apiErrors } from '../errors';
import { Counters, CountersUnavailableError } from '../limits/counters';
import { FailedLogins } from '../limits/failed-logins';

const WINDOW_MS = 60_000;

/** Counts one request against `key`'s budget; throws a 429 problem (with Retry-After) once it is spent. */
export type Limiter = (request: FastifyRequest, reply: FastifyReply, key: string) => Promise<void>;

export interface LimiterOptions {
  /**
   * When Redis cannot count, refuse with a 503 problem (auth routes: a password guesser must not
   * get unlimited tries because Redis is down) instead of letting the request through.
   */
  failClosed?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A per-minute limiter named `name` (its own Redis counters); `perMinute` 0 allows everything. */
    limiter(name: string, perMinute: number, options?: LimiterOptions): Limiter;
    /** Failed sign-ins per account and client and per client; fails closed. */
    failedLogins: FailedLogins;
    /** The shared Redis counters, for budgets that are not per-request limits (test alerts). */
    counters: Counters;
  }
}

/** Fixed one-minute windows counted in Redis, so every API process shares the same budgets. */
export const rateLimitPlugin = fp<{ redis: RedisClient; prefix: string }>(
  async (app, { redis, prefix }) => {
    const counters = new Counters(redis, `${prefix}:rl:`);
    app.decorate('counters', counters);
    app.decorate('failedLogins', new FailedLogins(counters));
    app.decorate('limiter', (name: string, perMinute: number, options: LimiterOptions = {}): Limiter => {
      if (perMinute <= 0) return async () => undefined;
      return async (request, _reply, key) => {
        let used: Awaited<ReturnType<Counters['hit']>>;
        try {
          used = await counters.hit(`${name}:${key}`, WINDOW_MS);
        } catch (error) {
          if (!(error instanceof CountersUnavailableError)) throw error;
          if (options.failClosed) throw apiErrors.authUnavailable();
          request.log.warn({ err: error, limiter: name }, 'rate limit not checked: Redis unavailable');
          return;
        }
        if (used.count <= perMinute) return;
        const wait = Math.max(1, Math.ceil(used.ttlMs / 1000));
        throw apiErrors.tooManyRequests(wait);
      };
    });
  },
  { name: 'rate-limit' },
);
