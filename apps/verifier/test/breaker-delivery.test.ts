import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, type Notifier } from '../src/notify/notifier';
import { enqueueNotifications } from '../src/notify/notify-jobs';
import { QueueSet } from '../src/queues';
import { createChannel, createMonitor, createOrg, insertPendingAlert, TEST_SECRETS_KEY } from './fixtures';
import { type Receiver, startReceiver } from './receiver';
import { waitFor } from './scenario';

const box = new SecretBox(TEST_SECRETS_KEY);
const logger = createLogger('breaker-test', 'silent');
const prefix = uniqueQueuePrefix();
const COOLDOWN_MS = 400;

let tdb: TestDatabase;
let redis: Redis;
let receiver: Receiver;
let notifier: Notifier;
let queues: QueueSet;

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  receiver = await startReceiver({});
  queues = new QueueSet(redis, prefix, logger);
  notifier = createNotifier({
    db: tdb.db,
    connection: redis,
    prefix,
    logger,
    secretBox: box,
    allowPrivateTargets: true,
    notifyPolicy: { attempts: 5, backoff: { type: 'fixed', delay: 50 } },
    breaker: { failureThreshold: 2, cooldownMs: COOLDOWN_MS },
  });
  notifier.start();
});

afterAll(async () => {
  await notifier?.close();
  await queues?.close();
  await receiver?.close();
  await redis?.quit();
  await tdb?.drop();
});

async function pendingAlert(url: string) {
  const orgId = await createOrg(tdb.db);
  const monitorId = await createMonitor(tdb.db, orgId);
  const channelId = await createChannel(tdb.db, box, {
    orgId,
    monitorIds: [monitorId],
    type: 'webhook',
    config: { url },
    secrets: { secret: 'whsec_breaker_secret_01' },
  });
  return { orgId, alertId: await insertPendingAlert(tdb.db, { orgId, monitorId, channelId }) };
}

describe('per-channel circuit breaker', () => {
  it('rests a failing receiver for the cooldown between trials without using up attempts, then delivers', async () => {
    receiver.script('/tired', [500, 500, 500]);
    const alert = await pendingAlert(receiver.url('/tired'));
    await enqueueNotifications(queues, [alert], { attempts: 5, backoff: { type: 'fixed', delay: 50 } });
    await waitFor(
      async () =>
        (
          await tdb.db
            .selectFrom('alerts')
            .select('status')
            .where('id', '=', alert.alertId)
            .executeTakeFirstOrThrow()
        ).status === 'sent',
      10_000,
      'the alert to be sent',
    );
    const attempts = await tdb.db
      .selectFrom('alert_attempts')
      .select(['attempted_at', 'ok', 'status_code'])
      .where('alert_id', '=', alert.alertId)
      .orderBy('id')
      .execute();
    // Four attempts of a budget of five, with two postponements between them: a postponement is no attempt.
    expect(attempts.map((a) => a.status_code)).toEqual([500, 500, 500, 200]);
    const gaps = attempts
      .slice(1)
      .map((a, i) => a.attempted_at.getTime() - (attempts[i]?.attempted_at.getTime() ?? 0));
    // Backoff alone is 50 ms; after the second failure the breaker holds each trial back for the cooldown.
    expect(gaps[1]).toBeGreaterThanOrEqual(COOLDOWN_MS - 50);
    expect(gaps[2]).toBeGreaterThanOrEqual(COOLDOWN_MS - 50);
    expect(new Set(receiver.at('/tired').map((r) => r.body.id))).toEqual(new Set([alert.alertId]));
  });
});
