import { type LiveEvent, orgEventsChannel } from '@sentinelmesh/core';
import type { Logger } from './logger';
import type { RedisClient } from './redis';

const PUBLISH_TIMEOUT_MS = 1_000;

/**
 * Announces an organization's live events to open dashboards, after the change they describe has
 * committed. Best effort: a dashboard that misses one still polls, so a failed publish is logged.
 */
export async function publishLiveEvents(
  deps: { redis: RedisClient; prefix: string; logger: Logger },
  orgId: string,
  events: readonly LiveEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const channel = orgEventsChannel(deps.prefix, orgId);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(events.map((event) => deps.redis.publish(channel, JSON.stringify(event)))),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('publish timed out')), PUBLISH_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    deps.logger.warn({ err: error, orgId }, 'could not publish live events');
  } finally {
    clearTimeout(timer);
  }
}
