import type { RedisClient } from '@sentinelmesh/platform';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    redis: RedisClient;
  }
}

/** The app owns the Redis connection it is given (used to publish monitor changes). */
export const redisPlugin = fp<{ redis: RedisClient }>(
  async (app, { redis }) => {
    app.decorate<RedisClient>('redis', redis);
    app.addHook('onClose', async () => {
      // QUIT waits for a live server; a connection that is down has nothing to flush.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    });
  },
  { name: 'redis' },
);
