import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../src/channels/telegram';
import { delivery, downAlert, upAlert } from './fixtures';
import { startOutboxHarness } from './services/outbox-harness';
import { startTelegramService } from './services/telegram';

const dashboardUrl = 'https://dash.example.com';
const token = '123456789:AAE-secretToken_0123456789abcdefghij';
const chatId = '-1001234567890';
const ackUrl = 'https://dash.example.com/ack/inc-1.s1gn4ture';
const down: AlertPayload = { ...downAlert, ackUrl, cause: 'HTTP 500 <html> & "more"' };

let telegram: Awaited<ReturnType<typeof startTelegramService>>;
let harness: Awaited<ReturnType<typeof startOutboxHarness>>;
let http: { allowPrivateTargets: boolean; userAgent: string; dashboardUrl: string; apiUrl: string };

beforeAll(async () => {
  telegram = await startTelegramService(token, [chatId]);
  http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl, apiUrl: telegram.url };
  harness = await startOutboxHarness({ telegramApiUrl: telegram.url });
});

afterAll(async () => {
  await harness?.close();
  await telegram?.close();
});

const toTelegram = (payload: AlertPayload, botToken = token, chat = chatId) =>
  delivery(payload, { chatId: chat }, { botToken });

describe('telegram adapter', () => {
  it('sends the title in bold first, then cause, duration and target (escaped), with Acknowledge and Open buttons', async () => {
    const adapter = createTelegramAdapter(http);
    const result = await adapter.deliver(toTelegram(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    const request = telegram.requests.at(-1);
    expect(request?.path).toBe(`/bot${token}/sendMessage`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      chat_id: chatId,
      text: [
        '🔴 <b>DOWN: Checkout API</b>',
        'Cause: HTTP 500 &lt;html&gt; &amp; "more"',
        'Duration: down since 09:14:00 UTC',
        'Target: https://shop.example.com/health',
      ].join('\n'),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      reply_markup: {
        inline_keyboard: [
          [{ text: '✅ Acknowledge', url: ackUrl }],
          [{ text: 'Open in SentinelMesh', url: `${dashboardUrl}/monitors/${down.monitor.id}` }],
        ],
      },
    });
  });

  it('says how long a recovered monitor was down, with no Acknowledge button when the alert has no link', async () => {
    const adapter = createTelegramAdapter(http);
    await adapter.deliver(toTelegram(upAlert));
    await adapter.close();
    const body = JSON.parse(telegram.requests.at(-1)?.body ?? '{}');
    expect(body.text).toContain('🟢 <b>UP: Checkout API</b>\nDuration: down for 3m 20s');
    expect(body.reply_markup.inline_keyboard).toEqual([
      [{ text: 'Open in SentinelMesh', url: `${dashboardUrl}/monitors/${down.monitor.id}` }],
    ]);
  });

  it('puts a dashboard link Telegram refuses on a button (a host without a dot) in the text instead', async () => {
    const adapter = createTelegramAdapter({ ...http, dashboardUrl: 'http://localhost:3000' });
    const result = await adapter.deliver(toTelegram(down));
    await adapter.close();
    expect(result.ok).toBe(true);
    const body = JSON.parse(telegram.requests.at(-1)?.body ?? '{}');
    expect(body.text).toContain(`Open in SentinelMesh: http://localhost:3000/monitors/${down.monitor.id}`);
    expect(body.reply_markup.inline_keyboard).toEqual([[{ text: '✅ Acknowledge', url: ackUrl }]]);
  });

  it("takes a 429 as worth a retry, holding the channel back for Telegram's retry_after", async () => {
    telegram.failNext(telegram.tooManyRequests(3));
    const adapter = createTelegramAdapter(http);
    const result = await adapter.deliver(toTelegram(down));
    await adapter.close();
    expect(result).toMatchObject({
      ok: false,
      statusCode: 429,
      permanent: false,
      retryAfterMs: 3000,
      error: 'HTTP 429: Too Many Requests: retry after 3',
    });
  });

  it('takes a wrong token (401) and an unknown chat (400) as permanent, without the token in the error', async () => {
    const adapter = createTelegramAdapter(http);
    const wrongToken = await adapter.deliver(
      toTelegram(down, '987654321:AAE-otherToken_0123456789abcdefghij'),
    );
    const unknownChat = await adapter.deliver(toTelegram(down, token, '-100999'));
    await adapter.close();
    expect(wrongToken).toMatchObject({
      ok: false,
      statusCode: 401,
      permanent: true,
      error: 'HTTP 401: Unauthorized',
    });
    expect(unknownChat).toMatchObject({
      ok: false,
      statusCode: 400,
      permanent: true,
      error: 'HTTP 400: Bad Request: chat not found',
    });
  });

  it('refuses to post to a loopback Bot API server where private targets are not allowed', async () => {
    const before = telegram.requests.length;
    const adapter = createTelegramAdapter({ ...http, allowPrivateTargets: false });
    const result = await adapter.deliver(toTelegram(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: false, permanent: true, error: 'blocked target: non-public address' });
    expect(telegram.requests).toHaveLength(before);
  });
});

describe('telegram deliveries through the outbox', () => {
  it('delivers a down, an up and a test message, sending the down again after a 500', async () => {
    telegram.failNext({
      status: 500,
      body: { ok: false, error_code: 500, description: 'Internal Server Error' },
    });
    const start = telegram.requests.length;
    const settled = await harness.deliverDownUpAndTest(
      'telegram',
      { config: { chatId }, secrets: { botToken: token } },
      ackUrl,
    );
    expect(settled).toEqual([
      {
        event: 'monitor.down',
        status: 'sent',
        attempts: [
          { status_code: 500, error: 'HTTP 500: Internal Server Error' },
          { status_code: 200, error: null },
        ],
      },
      { event: 'monitor.up', status: 'sent', attempts: [{ status_code: 200, error: null }] },
      { event: 'test', status: 'sent', attempts: [{ status_code: 200, error: null }] },
    ]);
    const texts = telegram.requests
      .slice(start)
      .filter((r) => r.status === 200)
      .map((r) => JSON.parse(r.body).text.split('\n')[0]);
    expect(texts).toEqual([
      '🔴 <b>DOWN: Checkout API</b>',
      '🟢 <b>UP: Checkout API</b>',
      '👋 <b>TEST: alerts from SentinelMesh reach this channel</b>',
    ]);
  });
});
