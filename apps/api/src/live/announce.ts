import type { LiveEvent } from '@sentinelmesh/core';
import { publishLiveEvents } from '@sentinelmesh/platform';
import type { TenantContext } from '../context';

/** Tells the organization's open dashboards about a change once the request's transaction has committed. */
export function announceAfterCommit(ctx: TenantContext, events: readonly LiveEvent[]): void {
  ctx.afterCommit(() =>
    publishLiveEvents(
      { redis: ctx.redis, prefix: ctx.config.QUEUE_PREFIX, logger: ctx.logger },
      ctx.orgId,
      events,
    ),
  );
}
