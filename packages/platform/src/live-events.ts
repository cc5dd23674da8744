import { type LiveEvent, liveMessages, orgEventsChannel } from '@sentinelmesh/core';
import type { Logger } from './logger';
import type { RedisClient } from './redis';

const PUBLISH_TIMEOUT_MS = 1_000;

export interface LivePublisher {
  redis: RedisClient;
  prefix: string;
  logger: Logger;
}

/**
 * Announces an organization's live events to open dashboards, after the change they describe has
 * committed, in one PUBLISH (one message carrying them all). Best effort: a dashboard that misses
 * one still polls, so a failed publish is logged.
 */
export async function publishLiveEvents(
  deps: LivePublisher,
  orgId: string,
  events: readonly LiveEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const channel = orgEventsChannel(deps.prefix, orgId);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(liveMessages(events).map((message) => deps.redis.publish(channel, message))),
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

/**
 * Gathers the live events of a batch of work by organization, then publishes each organization's
 * in one message: a verification batch costs one PUBLISH per organization, not one per event.
 */
export class LiveEventBatch {
  private readonly byOrg = new Map<string, LiveEvent[]>();

  add(orgId: string, events: readonly LiveEvent[]): void {
    if (events.length === 0) return;
    const list = this.byOrg.get(orgId);
    if (list) list.push(...events);
    else this.byOrg.set(orgId, [...events]);
  }

  /** Publishes what was gathered (best effort, like `publishLiveEvents`) and starts empty again. */
  async publish(deps: LivePublisher): Promise<void> {
    const batches = [...this.byOrg];
    this.byOrg.clear();
    await Promise.all(batches.map(([orgId, events]) => publishLiveEvents(deps, orgId, events)));
  }
}
