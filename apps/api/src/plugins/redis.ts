import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

/** The app owns the Redis connection it is given (used to publish monitor changes). */
export const redisPlugin = fp<{ redis: Redis }>(
  async (app, { redis }) => {
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      // QUIT waits for a live server; a connection that is down has nothing to flush.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    });
  },
  { name: 'redis' },
);
