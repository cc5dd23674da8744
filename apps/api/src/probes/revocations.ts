import type { Logger, RedisClient } from '@sentinelmesh/platform';
import { Cluster } from 'ioredis';

/** Redis pub/sub channel on which revocations of probe tokens are announced to every API process. */
export const probeRevocationsChannel = (prefix: string) => `${prefix}:probes:revoked`;

/** Announces that `probeIds` were revoked, so polls held open by any API process end at once. */
export async function announceRevocation(redis: RedisClient, prefix: string, probeIds: string[]) {
  if (probeIds.length > 0) await redis.publish(probeRevocationsChannel(prefix), JSON.stringify(probeIds));
}

/**
 * Listens for revocations on a connection of its own. Announcements lost while it was down are made
 * up for by the gateway's periodic re-check of the tokens of polls in flight.
 */
export async function listenForRevocations(options: {
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  onRevoked: (probeId: string) => void;
}): Promise<{ close: () => Promise<void> }> {
  const channel = probeRevocationsChannel(options.prefix);
  // A connection of its own that waits for Redis rather than failing: the API starts, and serves, without it.
  const subscriber =
    options.redis instanceof Cluster
      ? options.redis.duplicate()
      : options.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
  subscriber.on('error', (error) => options.logger.warn({ err: error }, 'revocation subscriber error'));
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    try {
      const ids: unknown = JSON.parse(message);
      if (!Array.isArray(ids)) return;
      for (const id of ids) if (typeof id === 'string') options.onRevoked(id);
    } catch {
      options.logger.warn({ channel }, 'ignoring a revocation that is not JSON');
    }
  });
  // Not awaited: the subscription is made once Redis answers (and again after each reconnect).
  subscriber.subscribe(channel).catch((error: unknown) => {
    options.logger.warn({ err: error, channel }, 'cannot subscribe to probe revocations');
  });
  return {
    close: async () => {
      subscriber.disconnect();
    },
  };
}
