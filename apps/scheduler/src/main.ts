import { DeploymentRegions, runBackgroundApp } from '@sentinelmesh/platform';
import { loadSchedulerEnv } from './env';
import { Scheduler } from './scheduler';

runBackgroundApp({
  name: 'scheduler',
  loadEnv: loadSchedulerEnv,
  start: async ({ env, logger, db, redis, registry }) => {
    // REGIONS and the probe regions in the database: a region added by the CLI is scheduled within seconds.
    const regions = new DeploymentRegions({ db, fixed: env.REGIONS, logger });
    await regions.start();
    const scheduler = new Scheduler({
      db,
      redis,
      prefix: env.QUEUE_PREFIX,
      regions,
      shards: env.SHARDS,
      lookaheadMs: env.LOOKAHEAD_MS,
      leaseTtlMs: env.LEASE_TTL_MS,
      resyncSeconds: env.RESYNC_SECONDS,
      logger,
      registry,
      ...(env.SCHEDULER_ID ? { instanceId: env.SCHEDULER_ID } : {}),
    });
    await scheduler.start();
    return [
      { name: 'scheduler', run: () => scheduler.stop() },
      { name: 'regions', run: () => regions.close() },
    ];
  },
});
