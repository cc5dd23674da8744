import type { Logger, RedisClient } from '@sentinelmesh/platform';

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
  const subscriber = options.redis.duplicate();
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
  await subscriber.subscribe(channel);
  return {
    close: async () => {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
