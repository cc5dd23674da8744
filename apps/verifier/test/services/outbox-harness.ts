import { randomUUID } from 'node:crypto';
import { type AlertPayload, buildTestAlertPayload, type ChannelTypeName } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import { createNotifier, type Notifier, type NotifierOptions } from '../../src/notify/notifier';
import { enqueueNotifications, type NotifyPolicy } from '../../src/notify/notify-jobs';
import { QueueSet } from '../../src/queues';
import { createChannel, createMonitor, createOrg, downAlert, TEST_SECRETS_KEY, upAlert } from '../fixtures';
import { waitFor } from '../scenario';

const policy: NotifyPolicy = { attempts: 3, backoff: { type: 'fixed', delay: 50 } };

export interface SettledAlert {
  event: string;
  status: string;
  attempts: Array<{ status_code: number | null; error: string | null }>;
}

/**
 * The notifier over a real test database and Redis, as the verifier runs it, for channel tests
 * that deliver alert rows through the outbox. `options` points the adapters at local services.
 */
export async function startOutboxHarness(options: Partial<NotifierOptions> = {}) {
  const box = new SecretBox(TEST_SECRETS_KEY);
  const logger = createLogger('channel-outbox-test', 'silent');
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

  /**
   * Writes a down alert (carrying `ackUrl`), its up alert and a channel test alert for a new
   * channel of `type` (secrets sealed as the API seals them), queues them in that order, and
   * resolves once none is pending, with each alert's attempts in the delivery log.
   */
  async function deliverDownUpAndTest(
    type: ChannelTypeName,
    parts: { config?: Record<string, unknown>; secrets: Record<string, unknown> },
    ackUrl: string,
  ): Promise<SettledAlert[]> {
    const orgId = await createOrg(tdb.db);
    const monitorId = await createMonitor(tdb.db, orgId);
    const channelId = await createChannel(tdb.db, box, { orgId, monitorIds: [monitorId], type, ...parts });
    const incident = await tdb.db
      .insertInto('incidents')
      .values({
        org_id: orgId,
        monitor_id: monitorId,
        status: 'open',
        opened_at: new Date(downAlert.occurredAt),
        cause: downAlert.cause,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const monitor = { ...downAlert.monitor, id: monitorId };
    const ofIncident = (alert: AlertPayload) => ({
      ...alert,
      id: randomUUID(),
      monitor,
      incident: alert.incident && { ...alert.incident, id: incident.id },
    });
    const payloads: AlertPayload[] = [
      { ...ofIncident(downAlert), ackUrl },
      ofIncident(upAlert),
      buildTestAlertPayload({
        alertId: randomUUID(),
        occurredAtMs: Date.now(),
        channelName: `${type} channel`,
      }),
    ];
    for (const payload of payloads) {
      await tdb.db
        .insertInto('alerts')
        .values({
          id: payload.id,
          org_id: orgId,
          incident_id: payload.incident ? incident.id : null,
          monitor_id: monitorId,
          channel_id: channelId,
          event: payload.event,
          status: 'pending',
          payload: JSON.stringify(payload),
          ...(payload.incident ? { dedup_key: `${incident.id}:${payload.event}:${channelId}` } : {}),
        })
        .execute();
      // One at a time, so the receiver sees them in order.
      await enqueueNotifications(queues, [{ orgId, alertId: payload.id }], policy);
      await waitFor(
        async () => (await settled(payload.id)).status !== 'pending',
        10_000,
        `the ${payload.event} alert to settle`,
      );
    }
    return Promise.all(payloads.map((p) => settled(p.id)));
  }

  async function settled(alertId: string): Promise<SettledAlert> {
    const alert = await tdb.db
      .selectFrom('alerts')
      .select(['event', 'status'])
      .where('id', '=', alertId)
      .executeTakeFirstOrThrow();
    const attempts = await tdb.db
      .selectFrom('alert_attempts')
      .select(['status_code', 'error'])
      .where('alert_id', '=', alertId)
      .orderBy('id')
      .execute();
    return { ...alert, attempts };
  }

  return {
    deliverDownUpAndTest,
    async close() {
      await notifier.close();
      await queues.close();
      await redis.quit();
      await tdb.drop();
    },
  };
}
