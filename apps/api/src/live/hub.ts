import { type LiveEvent, liveMessageSchema, orgEventsChannel } from '@sentinelmesh/core';
import type { Logger, RedisClient } from '@sentinelmesh/platform';

export type LiveListener = (event: LiveEvent) => void;

export interface LiveLimits {
  /** Open streams per user (or API key) in this API process: a few tabs. */
  perUser: number;
  /** Open streams per organization in this API process. */
  perOrg: number;
}

export const defaultLiveLimits: LiveLimits = { perUser: 8, perOrg: 200 };

/**
 * One Redis subscriber connection per API process, subscribed to the channel of each organization
 * that has a stream open here, and to no other: a stream only ever hears its own organization.
 */
export class LiveEventHub {
  private subscriber: RedisClient | null = null;
  private readonly listeners = new Map<string, Set<LiveListener>>();
  private readonly perUser = new Map<string, number>();
  private readonly perOrg = new Map<string, number>();
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
    readonly limits: LiveLimits = defaultLiveLimits,
  ) {}

  /** Counts a stream against its user's and organization's bounds; null when either is spent. */
  admit(orgId: string, userKey: string): { release: () => void } | { refused: 'user' | 'organization' } {
    if ((this.perUser.get(userKey) ?? 0) >= this.limits.perUser) return { refused: 'user' };
    if ((this.perOrg.get(orgId) ?? 0) >= this.limits.perOrg) return { refused: 'organization' };
    bump(this.perUser, userKey, 1);
    bump(this.perOrg, orgId, 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        bump(this.perUser, userKey, -1);
        bump(this.perOrg, orgId, -1);
      },
    };
  }

  /** Hears `orgId`'s events until the returned function is called. */
  async subscribe(orgId: string, listener: LiveListener): Promise<() => Promise<void>> {
    const channel = orgEventsChannel(this.prefix, orgId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.connection().subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      await this.subscriber?.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Registers how to end one open stream, for `close`; returns its deregistration. */
  track(end: () => void): () => void {
    this.closers.add(end);
    return () => this.closers.delete(end);
  }

  /** Ends every open stream (so the server can stop) and the subscriber connection. */
  async close(): Promise<void> {
    for (const end of [...this.closers]) end();
    this.closers.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.listeners.clear();
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private connection(): RedisClient {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.duplicate();
    subscriber.on('error', (error) => this.logger.warn({ err: error }, 'live event subscriber error'));
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    this.subscriber = subscriber;
    return subscriber;
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    let parsed: ReturnType<typeof liveMessageSchema.safeParse>;
    try {
      parsed = liveMessageSchema.safeParse(JSON.parse(message));
    } catch {
      parsed = liveMessageSchema.safeParse(undefined);
    }
    if (!parsed.success) {
      this.logger.warn({ channel }, 'ignoring a malformed live event');
      return;
    }
    // One message may carry several events (a verification batch's): each listener hears each, in order.
    for (const event of parsed.data) for (const listener of set) listener(event);
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
