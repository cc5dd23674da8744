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
  SecretBox,
  serveUntilShutdown,
} from '@sentinelmesh/platform';
import { loadEnv } from './env';
import { createVerifierMetrics } from './metrics';
import { createNotifier } from './notify/notifier';
import { createVerifier } from './verifier';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger('verifier', env.LOG_LEVEL);
  const db = createDb({
    connectionString: env.DATABASE_URL,
    applicationName: 'sentinelmesh-verifier',
    max: 20,
    onPoolError: (error) => logger.error({ err: error }, 'idle database connection failed'),
  });
  const redis = connectRedis(env);
  redis.on('error', (error) => logger.error({ err: error }, 'redis connection error'));

  await assertRedisPolicy(redis, logger);
  await waitForDatabase(db, {
    onRetry: (error, retryInMs) => logger.warn({ err: error, retryInMs }, 'waiting for Postgres'),
  });
  // Never migrates: the migrate step does; started before it, the app waits (bounded) for it.
  await waitForSchema(db, {
    onWait: (pending, retryInMs) =>
      logger.warn({ pending, retryInMs }, 'waiting for the migrate step to apply these migrations'),
  });
  await ensureResultPartitions(db, new Date(), 7);

  const registry = createMetricsRegistry('verifier');
  const metrics = createVerifierMetrics(registry);
  const common = { db, connection: redis, prefix: env.QUEUE_PREFIX, logger, metrics };
  const verifier = createVerifier({ ...common, regions: env.REGIONS, lockDurationMs: env.JOB_LOCK_MS });
  const notifier = createNotifier({
    ...common,
    secretBox: new SecretBox(env.SECRETS_KEY),
    allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS,
    dashboardUrl: env.DASHBOARD_URL,
    smtp: { url: env.SMTP_URL ?? null, from: env.SMTP_FROM },
    pagerDutyEventsUrl: env.PAGERDUTY_EVENTS_URL,
    lockDurationMs: env.JOB_LOCK_MS,
  });
  if (!env.SMTP_URL) logger.warn('SMTP_URL is not set: email channels will report a delivery error');
  verifier.start();
  notifier.start();
  await serveUntilShutdown({
    host: env.HOST,
    port: env.OPS_PORT,
    logger,
    registry,
    redis,
    postgres: { ping: () => pingDatabase(db), close: () => db.destroy() },
    steps: [
      { name: 'verifier', run: () => verifier.close() },
      { name: 'notifier', run: () => notifier.close() },
    ],
  });
}

runMain('verifier', main);
