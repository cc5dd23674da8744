import { type MonitorChange, monitorChangesChannel } from '@sentinelmesh/core';
import { publishLiveEvents } from '@sentinelmesh/platform';
import type { ServiceContext } from '../context';
import { invalidateStatusPages } from './status-page-cache';

const PUBLISH_TIMEOUT_MS = 1_000;

/**
 * Tells the schedulers and workers that a monitor changed. The write is already committed; when
 * Redis is down the schedulers' periodic resync picks the change up (and a worker reads the monitor
 * again at the first job built after it), so a failed publish is logged, not raised.
 */
export async function publishMonitorChange(
  ctx: Pick<ServiceContext, 'redis' | 'config' | 'logger' | 'requestId'>,
  change: MonitorChange,
): Promise<void> {
  const channel = monitorChangesChannel(ctx.config.QUEUE_PREFIX);
  // Extra field: readers that do not know it ignore it (zod strips unknown keys).
  const message = ctx.requestId ? { ...change, requestId: ctx.requestId } : change;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ctx.redis.publish(channel, JSON.stringify(message)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('publish timed out')), PUBLISH_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    ctx.logger.warn({ err: error, monitorId: change.monitorId }, 'could not publish monitor change');
  } finally {
    clearTimeout(timer);
  }
  // Any public page may show the monitor (its name, state, uptime): the organization's are rebuilt.
  await invalidateStatusPages(ctx, change.orgId);
  // Open dashboards of the organization refresh the monitor (other tabs, other people).
  await publishLiveEvents(
    { redis: ctx.redis, prefix: ctx.config.QUEUE_PREFIX, logger: ctx.logger },
    change.orgId,
    [{ type: 'monitor.changed', monitorId: change.monitorId, at: new Date().toISOString() }],
  );
}
