import { randomUUID } from 'node:crypto';
import { type AlertPayload, buildAcknowledgedAlertPayload, type ChannelTypeName } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../src/channels/discord';
import { createEmailAdapter } from '../src/channels/email';
import { createPagerDutyAdapter } from '../src/channels/pagerduty';
import { createSlackAdapter } from '../src/channels/slack';
import { createWebhookAdapter } from '../src/channels/webhook';
import { createNotifier, type Notifier } from '../src/notify/notifier';
import { enqueueNotifications } from '../src/notify/notify-jobs';
import { QueueSet } from '../src/queues';
import {
  createChannel,
  createMonitor,
  createOrg,
  delivery,
  downAlert,
  httpConfig,
  incident,
  TEST_SECRETS_KEY,
} from './fixtures';
import { type Receiver, startReceiver } from './receiver';
import { startDiscordReceiver, startPagerDutyReceiver, startSmtpReceiver } from './receivers';
import { waitFor } from './scenario';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const hookSecret = `whsec_${randomUUID()}`;

/** `downAlert`'s incident, acknowledged a minute after it opened. */
const ack: AlertPayload = buildAcknowledgedAlertPayload({
  alertId: '11111111-2222-4333-8444-777777777777',
  acknowledgedAtMs: Date.parse('2026-01-05T09:15:00Z'),
  by: 'oncall@example.com',
  monitorId: downAlert.monitor.id,
  config: httpConfig(),
  incident: { id: incident.id, opened_at: new Date(incident.openedAt), resolved_at: null },
  cause: downAlert.cause,
});
const incidentLink = `${dashboardUrl}/incidents/${incident.id}`;

let hooks: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let pagerduty: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
let discord: Awaited<ReturnType<typeof startDiscordReceiver>>;

beforeAll(async () => {
  hooks = await startReceiver({ '/ack': hookSecret });
  smtp = await startSmtpReceiver();
  pagerduty = await startPagerDutyReceiver();
  discord = await startDiscordReceiver();
});

afterAll(async () => {
  await Promise.all([hooks?.close(), smtp?.close(), pagerduty?.close(), discord?.close()]);
});

describe('every channel type renders an acknowledgement', () => {
  it('webhook: the payload names who acknowledged and when, under its own idempotency key', async () => {
    const webhook = createWebhookAdapter({ ...http, clock: Date.now });
    const result = await webhook.deliver(
      delivery(ack, { url: hooks.url('/render/ack') }, { secret: hookSecret }),
    );
    await webhook.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    const [hit] = hooks.at('/render/ack');
    expect(hit?.headers['idempotency-key']).toBe(ack.id);
    expect(hit?.body).toMatchObject({
      id: ack.id,
      event: 'incident.acknowledged',
      incident: { id: incident.id, resolvedAt: null },
      acknowledgement: { at: '2026-01-05T09:15:00.000Z', by: 'oncall@example.com' },
    });
  });

  it('slack: says ACKNOWLEDGED, by whom, and links to the incident', async () => {
    const slack = createSlackAdapter(http);
    await slack.deliver(delivery(ack, {}, { webhookUrl: hooks.url('/slack/ack') }));
    await slack.close();
    const text = (hooks.at('/slack/ack')[0]?.body as unknown as { text?: string } | undefined)?.text;
    expect(text).toContain('*ACKNOWLEDGED: Checkout API*');
    expect(text).toContain('Acknowledged by: oncall@example.com at 09:15:00 UTC');
    expect(text).toContain('Duration: down for 1m 0s');
    expect(text).toContain(`<${incidentLink}|Open in SentinelMesh>`);
  });

  it('email: ACKNOWLEDGED in the subject, who in both parts', async () => {
    const email = createEmailAdapter({ smtpUrl: smtp.url, from: 'alerts@sentinel.test', dashboardUrl });
    const result = await email.deliver(delivery(ack, { to: ['oncall@example.com'] }, null));
    await email.close();
    expect(result).toMatchObject({ ok: true, statusCode: 250 });
    const mail = smtp.mails.find((m) => m.alertId === ack.id);
    expect(mail).toMatchObject({
      subject: '[SentinelMesh] ACKNOWLEDGED: Checkout API',
      event: 'incident.acknowledged',
    });
    expect(mail?.text).toContain('Acknowledged by: oncall@example.com at 09:15:00 UTC');
    expect(mail?.text).toContain(incidentLink);
    expect(mail?.html).toContain('Acknowledged by');
  });

  it('pagerduty: an Events API v2 acknowledge with the incident id as dedup_key, accepted', async () => {
    const pd = createPagerDutyAdapter({ ...http, eventsUrl: pagerduty.eventsUrl });
    const result = await pd.deliver(delivery(ack, {}, { routingKey: 'R0UT1NGKEY' }));
    await pd.close();
    expect(result).toMatchObject({ ok: true, statusCode: 202 });
    expect(pagerduty.events).toContainEqual({
      routing_key: 'R0UT1NGKEY',
      event_action: 'acknowledge',
      dedup_key: incident.id,
    });
  });

  it('discord: an embed Discord accepts, with who acknowledged as a field', async () => {
    const adapter = createDiscordAdapter(http);
    const url = discord.webhookUrl('2002');
    const result = await adapter.deliver(delivery(ack, {}, { webhookUrl: url }));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 204 });
    const [message] = discord.messages.filter((m) => m.path === new URL(url).pathname);
    expect(message?.body.content).toBe('ACKNOWLEDGED: Checkout API');
    expect(message?.body.embeds?.[0]?.url).toBe(incidentLink);
    expect(message?.body.embeds?.[0]?.fields).toContainEqual({
      name: 'Acknowledged by',
      value: 'oncall@example.com at 09:15:00 UTC',
    });
  });
});

describe('the acknowledgement through the outbox', () => {
  const box = new SecretBox(TEST_SECRETS_KEY);
  const logger = createLogger('acknowledged-test', 'silent');
  const prefix = uniqueQueuePrefix();
  let tdb: TestDatabase;
  let redis: Redis;
  let queues: QueueSet;
  let notifier: Notifier;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    redis = createRedis(testRedisUrl());
    queues = new QueueSet(redis, prefix, logger);
    notifier = createNotifier({
      db: tdb.db,
      connection: redis,
      prefix,
      logger,
      secretBox: box,
      allowPrivateTargets: true,
      dashboardUrl,
      smtp: { url: smtp.url, from: 'alerts@sentinel.test' },
      pagerDutyEventsUrl: pagerduty.eventsUrl,
      notifyPolicy: { attempts: 3, backoff: { type: 'fixed', delay: 50 } },
    });
    notifier.start();
  });

  afterAll(async () => {
    await notifier?.close();
    await queues?.close();
    await redis?.quit();
    await tdb?.drop();
  });

  it('delivers one acknowledgement to each channel of every type, however often it is queued', async () => {
    const orgId = await createOrg(tdb.db);
    const monitorId = await createMonitor(tdb.db, orgId);
    const opened = await tdb.db
      .insertInto('incidents')
      .values({
        org_id: orgId,
        monitor_id: monitorId,
        status: 'open',
        opened_at: new Date(),
        cause: 'HTTP 500',
      })
      .returning(['id', 'opened_at', 'resolved_at'])
      .executeTakeFirstOrThrow();
    const channels: Array<[ChannelTypeName, Record<string, unknown>, Record<string, unknown> | null]> = [
      ['webhook', { url: hooks.url('/ack') }, { secret: hookSecret }],
      ['slack', {}, { webhookUrl: hooks.url('/slack/outbox') }],
      ['email', { to: ['ack@example.com'] }, null],
      ['pagerduty', {}, { routingKey: 'OUTBOXKEY' }],
      ['discord', {}, { webhookUrl: discord.webhookUrl('3003') }],
    ];
    const alertIds: string[] = [];
    for (const [type, config, secrets] of channels) {
      const channelId = await createChannel(tdb.db, box, {
        orgId,
        monitorIds: [monitorId],
        type,
        config,
        secrets,
      });
      const id = randomUUID();
      const payload = buildAcknowledgedAlertPayload({
        alertId: id,
        acknowledgedAtMs: Date.now(),
        by: 'API key "pager-bot"',
        monitorId,
        config: httpConfig(),
        incident: opened,
        cause: 'HTTP 500',
      });
      await tdb.db
        .insertInto('alerts')
        .values({
          id,
          org_id: orgId,
          incident_id: opened.id,
          monitor_id: monitorId,
          channel_id: channelId,
          event: 'incident.acknowledged',
          status: 'pending',
          payload: JSON.stringify(payload),
          dedup_key: `${opened.id}:incident.acknowledged`,
        })
        .execute();
      alertIds.push(id);
    }
    const refs = alertIds.map((alertId) => ({ orgId, alertId }));
    await enqueueNotifications(queues, refs);
    await enqueueNotifications(queues, refs);
    const statuses = () =>
      tdb.db.selectFrom('alerts').select(['status', 'attempts']).where('id', 'in', alertIds).execute();
    await waitFor(async () => (await statuses()).every((a) => a.status === 'sent'), 10_000, 'all delivered');
    expect((await statuses()).map((a) => a.attempts)).toEqual([1, 1, 1, 1, 1]);
    expect(hooks.at('/ack')).toHaveLength(1);
    expect(hooks.at('/ack')[0]?.signatureValid).toBe(true);
    expect(hooks.at('/slack/outbox')).toHaveLength(1);
    expect(smtp.mails.filter((m) => m.to.includes('ack@example.com'))).toHaveLength(1);
    expect(pagerduty.events.filter((e) => e.routing_key === 'OUTBOXKEY')).toEqual([
      { routing_key: 'OUTBOXKEY', event_action: 'acknowledge', dedup_key: opened.id },
    ]);
    expect(discord.messages.filter((m) => m.path.includes('/3003/'))).toHaveLength(1);
  });
});
