import {
  createDb,
  ensureResultPartitions,
  pingDatabase,
  waitForDatabase,
  waitForSchema,
} from '@sentinelmesh/db';
import {
  assertRedisPolicy,
  connectRedis,
  createLogger,
  createMetricsRegistry,
  runMain,
  serveUntilShutdown,
} from '@sentinelmesh/platform';
import { loadSchedulerEnv } from './env';
import { Scheduler } from './scheduler';

const PARTITION_EVERY_MS = 3_600_000;
const PARTITION_DAYS_AHEAD = 7;

async function main(): Promise<void> {
  const env = loadSchedulerEnv();
  const logger = createLogger('scheduler', env.LOG_LEVEL);
  const db = createDb({
    connectionString: env.DATABASE_URL,
    applicationName: 'sentinelmesh-scheduler',
    onPoolError: (error) => logger.warn({ err: error }, 'idle Postgres connection failed'),
  });
  const redis = connectRedis(env);
  redis.on('error', (error) => logger.warn({ err: error }, 'redis error'));
  await assertRedisPolicy(redis, logger);

  await waitForDatabase(db, {
    onRetry: (error, retryInMs) => logger.warn({ err: error, retryInMs }, 'waiting for Postgres'),
  });
  // Never migrates: the migrate step does; started before it, the app waits (bounded) for it.
  await waitForSchema(db, {
    onWait: (pending, retryInMs) =>
      logger.warn({ pending, retryInMs }, 'waiting for the migrate step to apply these migrations'),
  });
  const ensurePartitions = () =>
    ensureResultPartitions(db, new Date(), PARTITION_DAYS_AHEAD).catch((error: unknown) =>
      logger.error({ err: error }, 'could not create result partitions'),
    );
  await ensurePartitions();
  const partitionTimer = setInterval(ensurePartitions, PARTITION_EVERY_MS);
  partitionTimer.unref();

  const registry = createMetricsRegistry('scheduler');
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

  await serveUntilShutdown({
    host: env.HOST,
    port: env.OPS_PORT,
    logger,
    registry,
    redis,
    postgres: { ping: () => pingDatabase(db), close: () => db.destroy() },
    steps: [
      { name: 'scheduler', run: () => scheduler.stop() },
      { name: 'partitions', run: async () => clearInterval(partitionTimer) },
    ],
  });
}

runMain('scheduler', main);
