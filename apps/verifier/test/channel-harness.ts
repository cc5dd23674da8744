import type { AlertPayload, ChannelTypeName } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import { createNotifier, type Notifier, type NotifierOptions } from '../src/notify/notifier';
import { enqueueNotifications } from '../src/notify/notify-jobs';
import { QueueSet } from '../src/queues';
import { createChannel, createMonitor, createOrg, insertPendingAlert, TEST_SECRETS_KEY } from './fixtures';
import { waitFor } from './scenario';

const policy = { attempts: 5, backoff: { type: 'fixed' as const, delay: 50 } };

/**
 * A real notifier over a test database and Redis, for channel tests that deliver an alert row the
 * way production does: from the outbox, with retries, the breaker and the delivery log.
 */
export async function startChannelHarness(options: Partial<NotifierOptions> = {}) {
  const box = new SecretBox(TEST_SECRETS_KEY);
  const logger = createLogger('channel-test', 'silent');
  const prefix = uniqueQueuePrefix();
  const tdb: TestDatabase = await createTestDatabase();
  const redis: Redis = createRedis(testRedisUrl());
  const queues = new QueueSet(redis, prefix, logger);
  const notifier: Notifier = createNotifier({
    db: tdb.db,
    connection: redis,
    prefix,
    logger,
    secretBox: box,
    allowPrivateTargets: true,
    dashboardUrl: 'https://dash.example.com',
    notifyPolicy: policy,
    ...options,
  });
  notifier.start();

  /** Writes a pending alert for a new channel of `type` and waits until the notifier settles it. */
  async function deliver(input: {
    type: ChannelTypeName;
    config?: Record<string, unknown>;
    secrets?: Record<string, unknown> | null;
    payload?: Partial<AlertPayload>;
  }) {
    const orgId = await createOrg(tdb.db);
    const monitorId = await createMonitor(tdb.db, orgId);
    const channelId = await createChannel(tdb.db, box, { orgId, monitorIds: [monitorId], ...input });
    const alertId = await insertPendingAlert(tdb.db, {
      orgId,
      monitorId,
      channelId,
      ...(input.payload ? { payload: input.payload } : {}),
    });
    await enqueueNotifications(queues, [{ orgId, alertId }], policy);
    const row = () =>
      tdb.db.selectFrom('alerts').select('status').where('id', '=', alertId).executeTakeFirstOrThrow();
    await waitFor(async () => (await row()).status !== 'pending', 10_000, 'the alert to be settled');
    const attempts = await tdb.db
      .selectFrom('alert_attempts')
      .select(['status_code', 'error'])
      .where('alert_id', '=', alertId)
      .orderBy('id')
      .execute();
    return { alertId, status: (await row()).status, attempts };
  }

  return {
    deliver,
    close: async () => {
      await notifier.close();
      await queues.close();
      await redis.quit();
      await tdb.drop();
    },
  };
}
