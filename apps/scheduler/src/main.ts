import { runBackgroundApp } from '@sentinelmesh/platform';
import { loadSchedulerEnv } from './env';
import { Scheduler } from './scheduler';

runBackgroundApp({
  name: 'scheduler',
  loadEnv: loadSchedulerEnv,
  start: async ({ env, logger, db, redis, registry }) => {
    const scheduler = new Scheduler({
      db,
      redis,
      prefix: env.QUEUE_PREFIX,
      regions: env.REGIONS,
      shards: env.SHARDS,
      lookaheadMs: env.LOOKAHEAD_MS,
      leaseTtlMs: env.LEASE_TTL_MS,
      resyncSeconds: env.RESYNC_SECONDS,
      logger,
      registry,
      ...(env.SCHEDULER_ID ? { instanceId: env.SCHEDULER_ID } : {}),
    });
    await scheduler.start();
    return [{ name: 'scheduler', run: () => scheduler.stop() }];
  },
});
