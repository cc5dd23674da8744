import { createDb } from '@sentinelmesh/db';
import {
  connectRedis,
  createLogger,
  EnvError,
  installShutdown,
  keepResultPartitions,
  SecretBox,
  waitForDependencies,
} from '@sentinelmesh/platform';
import { buildApp } from './app';
import { parseApiEnv } from './env';
import { createMaintenanceAnnouncer } from './jobs/maintenance-announcements';
import { smtpReportSender, startReportEmailJob } from './jobs/report-emails';
import { startRetentionJob } from './jobs/retention';
import { startRollupJob } from './jobs/rollups';
import { sealMonitorSecrets } from './jobs/seal-monitor-secrets';
import { createSubscriberDelivery } from './jobs/subscriber-delivery';

async function main(): Promise<void> {
  let env: ReturnType<typeof parseApiEnv>;
  try {
    env = parseApiEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(`sentinelmesh api: ${error.message}`);
    process.exit(1);
  }
  const logger = createLogger('api', env.LOG_LEVEL);
  const db = createDb({
    connectionString: env.DATABASE_URL,
    applicationName: 'sentinelmesh-api',
    onPoolError: (error) => logger.warn({ err: error }, 'idle Postgres connection failed'),
  });
  // Requests must not hang on a dead Redis: fail a command after two reconnect attempts.
  const redis = connectRedis(env, { maxRetriesPerRequest: 2 });
  redis.on('error', (error) => logger.warn({ err: error }, 'Redis connection error'));

  try {
    await waitForDependencies({ db, redis, logger });
    await sealMonitorSecrets(db, new SecretBox(env.SECRETS_KEY), logger.child({ component: 'secrets' }));
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start');
    redis.disconnect();
    await db.destroy().catch(() => undefined);
    process.exit(1);
  }

  const partitions = await keepResultPartitions({ db, logger });
  const app = await buildApp({ config: env, db, redis, logger });
  // The API keeps the hourly rollups (plain Postgres); an advisory lock makes extra API processes skip.
  const rollups =
    env.ROLLUP_INTERVAL_SECONDS > 0
      ? startRollupJob({
          db,
          logger: logger.child({ component: 'rollups' }),
          intervalMs: env.ROLLUP_INTERVAL_SECONDS * 1000,
        })
      : null;
  // Raw-result retention on either engine; the same advisory-lock pattern lets every API replica run it.
  const retention =
    env.RETENTION_INTERVAL_SECONDS > 0
      ? startRetentionJob({
          db,
          logger: logger.child({ component: 'retention' }),
          intervalMs: env.RETENTION_INTERVAL_SECONDS * 1000,
          retentionDays: env.RESULT_RETENTION_DAYS,
        })
      : null;
  // Status-page subscribers: the outbox is claimed with a lease, so every API replica may send it.
  const subscribers = createSubscriberDelivery({
    db,
    box: new SecretBox(env.SECRETS_KEY),
    logger,
    config: env,
    policy: {
      subscriberGapMs: env.SUBSCRIBER_MIN_GAP_SECONDS * 1000,
      pagePerMinute: env.SUBSCRIBER_PAGE_PER_MINUTE,
    },
  });
  if (env.SUBSCRIBER_DELIVERY_INTERVAL_MS > 0) subscribers.start(env.SUBSCRIBER_DELIVERY_INTERVAL_MS);
  // Maintenance occurrences told to subscribers; the outbox's unique key lets every replica run it.
  const maintenance =
    env.MAINTENANCE_ANNOUNCE_INTERVAL_SECONDS > 0
      ? createMaintenanceAnnouncer({
          db,
          cache: { redis, config: env, logger },
          logger: logger.child({ component: 'maintenance-announcements' }),
          noticeHours: env.MAINTENANCE_NOTICE_HOURS,
        }).start(env.MAINTENANCE_ANNOUNCE_INTERVAL_SECONDS * 1000)
      : null;
  // Monthly SLA report emails: the API builds reports, so it sends them; each month once per subscription.
  const reportEmails =
    env.REPORT_EMAIL_INTERVAL_SECONDS > 0 && env.SMTP_URL
      ? startReportEmailJob({
          db,
          sender: smtpReportSender({ smtpUrl: env.SMTP_URL, from: env.SMTP_FROM }),
          logger: logger.child({ component: 'report-emails' }),
          intervalMs: env.REPORT_EMAIL_INTERVAL_SECONDS * 1000,
        })
      : null;
  if (!env.SMTP_URL) logger.info('monthly report emails off: no SMTP_URL');
  installShutdown({
    logger,
    steps: [
      { name: 'rollups', run: async () => rollups?.stop() },
      { name: 'retention', run: async () => retention?.stop() },
      { name: 'subscribers', run: () => subscribers.close() },
      { name: 'maintenance-announcements', run: async () => maintenance?.stop() },
      { name: 'report-emails', run: async () => reportEmails?.stop() },
      { name: 'partitions', run: partitions.stop },
      { name: 'http', run: () => app.close() },
    ],
  });
  await app.listen({ host: env.HOST, port: env.API_PORT });
  const address = app.server.address();
  logger.info({ port: typeof address === 'object' && address ? address.port : env.API_PORT }, 'listening');
}

main().catch((error: unknown) => {
  console.error('sentinelmesh api failed to start:', error);
  process.exit(1);
});
