import type { AlertPayload } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../src/channels/adapter';
import { createDiscordAdapter } from '../src/channels/discord';
import { createNotifier, type Notifier } from '../src/notify/notifier';
import { enqueueNotifications } from '../src/notify/notify-jobs';
import { QueueSet } from '../src/queues';
import {
  createChannel,
  createMonitor,
  createOrg,
  delivery,
  downAlert,
  insertPendingAlert,
  TEST_SECRETS_KEY,
  upAlert,
} from './fixtures';
import { type DiscordMessage, startDiscordReceiver } from './receivers';
import { waitFor } from './scenario';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
// A monitor name that would ping everyone, were mentions allowed.
const down: AlertPayload = { ...downAlert, monitor: { ...downAlert.monitor, name: 'Checkout @everyone' } };
const up: AlertPayload = { ...upAlert, monitor: down.monitor };
const toDiscord = (payload: AlertPayload, secrets: Delivery['secrets']) => delivery(payload, {}, secrets);

const box = new SecretBox(TEST_SECRETS_KEY);
const logger = createLogger('discord-test', 'silent');
const prefix = uniqueQueuePrefix();
let discord: Awaited<ReturnType<typeof startDiscordReceiver>>;
let tdb: TestDatabase;
let redis: Redis;
let queues: QueueSet;
let notifier: Notifier;

beforeAll(async () => {
  discord = await startDiscordReceiver();
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
    notifyPolicy: { attempts: 5, backoff: { type: 'fixed', delay: 50 } },
  });
  notifier.start();
});

afterAll(async () => {
  await notifier?.close();
  await queues?.close();
  await discord?.close();
  await redis?.quit();
  await tdb?.drop();
});

const at = (path: string) => discord.messages.filter((m) => m.path === path);
const pathOf = (url: string) => new URL(url).pathname;

describe('discord adapter', () => {
  it('executes the webhook with a message Discord accepts: the title as content, the facts in an embed, no mentions', async () => {
    const adapter = createDiscordAdapter(http);
    const url = discord.webhookUrl('1001');
    const result = await adapter.deliver(toDiscord(down, { webhookUrl: url }));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 204, error: null });
    const [message] = at(pathOf(url));
    expect(message?.userAgent).toBe('SentinelMesh/test');
    expect(message?.body).toEqual<DiscordMessage['body']>({
      username: 'SentinelMesh',
      content: 'DOWN: Checkout @everyone',
      embeds: [
        {
          title: 'DOWN: Checkout @everyone',
          url: `${dashboardUrl}/monitors/${down.monitor.id}`,
          color: 0xc62828,
          timestamp: down.occurredAt,
          fields: [
            { name: 'Target', value: 'https://shop.example.com/health' },
            { name: 'Cause', value: 'HTTP 500 from 2 of 2 regions' },
            { name: 'Duration', value: 'down since 09:14:00 UTC' },
          ],
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('says how long a recovered monitor was down', async () => {
    const adapter = createDiscordAdapter(http);
    const url = discord.webhookUrl('1002');
    await adapter.deliver(toDiscord(up, { webhookUrl: url }));
    await adapter.close();
    const embed = at(pathOf(url))[0]?.body.embeds?.[0];
    expect(embed?.title).toBe('UP: Checkout @everyone');
    expect(embed?.fields).toContainEqual({ name: 'Duration', value: 'down for 3m 20s' });
  });

  it('keeps a long cause within Discord limits', async () => {
    const adapter = createDiscordAdapter(http);
    const url = discord.webhookUrl('1003');
    const result = await adapter.deliver(
      toDiscord({ ...down, cause: 'x'.repeat(5000) }, { webhookUrl: url }),
    );
    await adapter.close();
    expect(result.ok).toBe(true);
    const cause = at(pathOf(url))[0]?.body.embeds?.[0]?.fields?.find((f) => f.name === 'Cause');
    expect(cause?.value).toHaveLength(1024);
  });

  it("reports a 429 as worth a retry, with Discord's retry_after in milliseconds", async () => {
    const adapter = createDiscordAdapter(http);
    const url = discord.webhookUrl('1004');
    discord.rateLimit(pathOf(url), [1.25]);
    const result = await adapter.deliver(toDiscord(down, { webhookUrl: url }));
    await adapter.close();
    expect(result).toMatchObject({ ok: false, statusCode: 429, permanent: false, retryAfterMs: 1250 });
    expect(at(pathOf(url))).toHaveLength(0);
  });

  it('treats a deleted webhook (404, code 10015) as permanent', async () => {
    const adapter = createDiscordAdapter(http);
    const result = await adapter.deliver(
      toDiscord(down, { webhookUrl: discord.webhookUrl('1005').replace('/api/', '/gone/') }),
    );
    await adapter.close();
    expect(result).toMatchObject({
      ok: false,
      statusCode: 404,
      permanent: true,
      error: 'HTTP 404 (Discord code 10015)',
    });
  });

  it('refuses a channel without a webhook URL, and a loopback URL where private targets are not allowed', async () => {
    const adapter = createDiscordAdapter(http);
    expect(await adapter.deliver(toDiscord(down, null))).toMatchObject({
      ok: false,
      permanent: true,
      error: 'invalid Discord webhook url',
    });
    await adapter.close();
    const guarded = createDiscordAdapter({ ...http, allowPrivateTargets: false });
    const url = discord.webhookUrl('1006');
    const result = await guarded.deliver(toDiscord(down, { webhookUrl: url }));
    await guarded.close();
    expect(result).toMatchObject({ ok: false, permanent: true, error: 'blocked target: non-public address' });
    expect(discord.attempts.filter((a) => a.path === pathOf(url))).toHaveLength(0);
  });
});

describe('discord deliveries through the notifier', () => {
  it('waits out a rate limit for as long as retry_after asks, then delivers once', async () => {
    const url = discord.webhookUrl('2001');
    discord.rateLimit(pathOf(url), [1.2]);
    const orgId = await createOrg(tdb.db);
    const monitorId = await createMonitor(tdb.db, orgId);
    const channelId = await createChannel(tdb.db, box, {
      orgId,
      monitorIds: [monitorId],
      type: 'discord',
      secrets: { webhookUrl: url },
    });
    const alertId = await insertPendingAlert(tdb.db, { orgId, monitorId, channelId });
    await enqueueNotifications(queues, [{ orgId, alertId }], {
      attempts: 5,
      backoff: { type: 'fixed', delay: 50 },
    });
    const status = async () =>
      (await tdb.db.selectFrom('alerts').select('status').where('id', '=', alertId).executeTakeFirstOrThrow())
        .status;
    await waitFor(async () => (await status()) === 'sent', 10_000, 'the alert to be sent');

    const answers = discord.attempts.filter((a) => a.path === pathOf(url));
    expect(answers.map((a) => a.status)).toEqual([429, 204]);
    // Backoff alone would retry after 50 ms; the rate limit asked for 1.2 s.
    expect((answers[1]?.atMs ?? 0) - (answers[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(1_200 - 20);
    const attempts = await tdb.db
      .selectFrom('alert_attempts')
      .select(['status_code', 'error'])
      .where('alert_id', '=', alertId)
      .orderBy('id')
      .execute();
    expect(attempts).toEqual([
      { status_code: 429, error: 'HTTP 429: rate limited' },
      { status_code: 204, error: null },
    ]);
    expect(at(pathOf(url)).map((m) => m.body.content)).toEqual([
      'TEST: alerts from SentinelMesh reach this channel',
    ]);
  });
});
