import {
  type CheckJob,
  checkJobId,
  checkQueueName,
  jobPolicies,
  monitorConfigSchema,
  type StoredMonitorConfig,
  slotAtOrBefore,
  toCheckSpec,
} from '@sentinelmesh/core';
import { queuePrefix } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { ActorContext, ServiceContext } from '../context';
import { apiErrors } from '../errors';

type QueueContext = Pick<ServiceContext, 'redis' | 'config' | 'logger'>;

const checkQueues = new WeakMap<object, Map<string, Queue>>();

/** A region's check queue over the API's Redis connection, opened once per connection and region. */
function checkQueue(ctx: QueueContext, region: string): Queue {
  let queues = checkQueues.get(ctx.redis);
  if (!queues) {
    queues = new Map();
    checkQueues.set(ctx.redis, queues);
  }
  let queue = queues.get(region);
  if (!queue) {
    const name = checkQueueName(region);
    queue = new Queue(name, {
      connection: ctx.redis,
      prefix: queuePrefix(ctx.redis, ctx.config.QUEUE_PREFIX, name),
    });
    queue.on('error', (error) => ctx.logger.warn({ err: error, region }, 'check queue error'));
    queues.set(region, queue);
  }
  return queue;
}

/** Closes the check queues opened for on-demand checks, if any. */
export async function closeCheckQueues(ctx: Pick<ServiceContext, 'redis'>): Promise<void> {
  const queues = checkQueues.get(ctx.redis);
  checkQueues.delete(ctx.redis);
  await Promise.all([...(queues?.values() ?? [])].map((queue) => queue.close()));
}

/**
 * "Check now" runs the monitor's next slot at once, in every region it runs in: the very job the
 * scheduler would queue for that slot (same id, same payload), so the result is an ordinary fact of
 * that slot and the verifier judges it as one. A slot runs once: asking again before its time queues
 * nothing new (BullMQ keeps one job per id, the result table one row per slot and region), and the
 * scheduler's own job for it later is deduplicated the same way. See ADR 0025.
 */
export async function checkNow(ctx: ActorContext, id: string) {
  const row = await ctx.db
    .selectFrom('monitors')
    .select(['id', 'config', 'updated_at'])
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('monitor');
  const parsed = monitorConfigSchema.safeParse({ channelIds: [], ...row.config });
  if (!parsed.success)
    throw apiErrors.notCheckable('this monitor’s stored settings are invalid; edit it first');
  const { channelIds: _links, ...config } = parsed.data;
  if (config.paused) throw apiErrors.notCheckable('this monitor is paused; resume it to check it');
  if (config.type === 'heartbeat') {
    throw apiErrors.notCheckable('a heartbeat monitor is checked by its pings, not on demand');
  }
  const regions = config.regions.filter((region) => ctx.regions.has(region));
  if (regions.length === 0) {
    throw apiErrors.notCheckable('none of this monitor’s regions runs on this deployment; edit its regions');
  }
  const nowMs = ctx.clock.now().getTime();
  const slotMs = slotAtOrBefore(row.id, config.intervalSeconds, nowMs) + config.intervalSeconds * 1000;
  const reported = await ctx.db
    .selectFrom('tenant_check_results')
    .select('region')
    .where('org_id', '=', ctx.orgId)
    .where('monitor_id', '=', row.id)
    .where('scheduled_at', '=', new Date(slotMs))
    .where('kind', '=', 'scheduled')
    .execute();
  const done = new Set(reported.map((r) => r.region));
  const pending = regions.filter((region) => !done.has(region));
  const version = row.updated_at.getTime();
  try {
    for (const region of pending) await enqueue(ctx, region, config, { id: row.id, slotMs, version });
  } catch (error) {
    ctx.logger.warn({ err: error, monitorId: row.id }, 'could not queue an on-demand check');
    throw apiErrors.checksUnavailable();
  }
  return {
    monitorId: row.id,
    scheduledAt: new Date(slotMs).toISOString(),
    regions,
    status: pending.length === 0 ? ('checked' as const) : ('queued' as const),
  };
}

async function enqueue(
  ctx: ActorContext,
  region: string,
  config: StoredMonitorConfig,
  slot: { id: string; slotMs: number; version: number },
): Promise<void> {
  const data: CheckJob = {
    spec: toCheckSpec(ctx.orgId, slot.id, config, slot.version),
    scheduledAtMs: slot.slotMs,
    region,
    kind: 'scheduled',
    attempt: 0,
    configVersion: slot.version,
    runNow: true,
    requestId: ctx.requestId,
  };
  const queue = checkQueue(ctx, region);
  const jobId = checkJobId(slot.id, slot.slotMs, region);
  const job = await queue.add('check', data, { ...jobPolicies.check, jobId });
  // The scheduler may have queued this slot already, delayed until its time: run it now instead.
  if (await job.isDelayed()) await job.promote().catch(() => undefined);
}
