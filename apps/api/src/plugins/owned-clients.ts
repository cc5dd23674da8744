import type { Db } from '@sentinelmesh/db';
import type { RedisClient } from '@sentinelmesh/platform';
import fp from 'fastify-plugin';

/**
 * The app owns the Postgres pool and the Redis connection it is given: closing the app closes them.
 * Nothing reads them from the instance; services get them through their context.
 */
export const ownedClientsPlugin = fp<{ db: Db; redis: RedisClient }>(
  async (app, { db, redis }) => {
    app.addHook('onClose', async () => {
      await db.destroy();
      // QUIT waits for a live server; a connection that is down has nothing to flush.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    });
  },
  { name: 'owned-clients' },
);
