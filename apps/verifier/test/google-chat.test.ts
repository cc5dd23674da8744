import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGoogleChatAdapter } from '../src/channels/google-chat';
import { startChannelHarness } from './channel-harness';
import { startGoogleChatServer } from './chat-receivers';
import { delivery, downAlert, testPayload, upAlert } from './fixtures';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const ackUrl = 'https://dash.example.com/ack/signed-token';
const down: AlertPayload = {
  ...downAlert,
  monitor: { ...downAlert.monitor, name: 'Checkout <API>' },
  ackUrl,
};
const up: AlertPayload = { ...upAlert, monitor: down.monitor };

let chat: Awaited<ReturnType<typeof startGoogleChatServer>>;
let harness: Awaited<ReturnType<typeof startChannelHarness>>;
const hook = (token = 'TOKEN1') => `${chat.origin}/v1/spaces/AAAA/messages?key=KEY1&token=${token}`;
const toChat = (payload: AlertPayload, token?: string) => delivery(payload, {}, { webhookUrl: hook(token) });
const bodyOf = (i: number) => JSON.parse(chat.accepted.at(i)?.rawBody ?? '{}');

beforeAll(async () => {
  chat = await startGoogleChatServer({ space: 'AAAA', token: 'TOKEN1' });
  harness = await startChannelHarness();
});

afterAll(async () => {
  await harness?.close();
  await chat?.close();
});

describe('google chat adapter', () => {
  it('posts a down alert as a card with its facts and two buttons, in the thread of its incident', async () => {
    const adapter = createGoogleChatAdapter(http);
    expect(await adapter.deliver(toChat(down))).toMatchObject({ ok: true, statusCode: 200 });
    await adapter.close();
    const request = chat.accepted.at(-1);
    expect(request?.headers['content-type']).toBe('application/json; charset=UTF-8');
    const url = new URL(request?.path ?? '/', 'http://x');
    expect(url.searchParams.get('messageReplyOption')).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    expect(url.searchParams.get('key')).toBe('KEY1');
    const body = bodyOf(-1);
    expect(body.text).toBe('🔴 DOWN: Checkout <API>');
    expect(body.thread).toEqual({ threadKey: `sentinelmesh-incident-${down.incident?.id}` });
    const card = body.cardsV2[0].card;
    expect(card.header.title).toBe('DOWN: Checkout <API>');
    const widgets = card.sections[0].widgets;
    expect(widgets.slice(0, 3)).toEqual([
      { decoratedText: { topLabel: 'Cause', text: 'HTTP 500 from 2 of 2 regions', wrapText: true } },
      { decoratedText: { topLabel: 'Duration', text: 'down since 09:14:00 UTC', wrapText: true } },
      { decoratedText: { topLabel: 'Target', text: 'https://shop.example.com/health', wrapText: true } },
    ]);
    expect(widgets[3].buttonList.buttons).toEqual([
      {
        text: 'Open in SentinelMesh',
        onClick: { openLink: { url: `${dashboardUrl}/monitors/${down.monitor.id}` } },
      },
      { text: 'Acknowledge', onClick: { openLink: { url: ackUrl } } },
    ]);
  });

  it('puts the up alert in the same thread as the down, without an Acknowledge button', async () => {
    const adapter = createGoogleChatAdapter(http);
    const threads: string[] = [];
    for (const payload of [down, up]) {
      await adapter.deliver(toChat(payload));
      threads.push(bodyOf(-1).thread.threadKey);
    }
    await adapter.close();
    expect(threads[0]).toBe(threads[1]);
    const card = bodyOf(-1).cardsV2[0].card;
    expect(card.header.title).toBe('UP: Checkout <API>');
    expect(card.sections[0].widgets.at(-1).buttonList.buttons.map((b: { text: string }) => b.text)).toEqual([
      'Open in SentinelMesh',
    ]);
  });

  it('sends a test message in a thread of its own', async () => {
    const adapter = createGoogleChatAdapter(http);
    const payload = testPayload('00000000-0000-4000-8000-00000000cc01');
    expect((await adapter.deliver(toChat(payload))).ok).toBe(true);
    await adapter.close();
    expect(bodyOf(-1).text).toBe('👋 TEST: alerts from SentinelMesh reach this channel');
    expect(bodyOf(-1).thread).toEqual({ threadKey: `sentinelmesh-${payload.id}` });
  });

  it('treats a bad token (401 UNAUTHENTICATED) as permanent', async () => {
    const adapter = createGoogleChatAdapter(http);
    expect(await adapter.deliver(toChat(down, 'wrong'))).toMatchObject({
      ok: false,
      statusCode: 401,
      permanent: true,
      error: 'HTTP 401 (UNAUTHENTICATED)',
    });
    await adapter.close();
  });
});

describe('google chat deliveries through the notifier', () => {
  it('retries a 429 RESOURCE_EXHAUSTED, then delivers the test alert once', async () => {
    chat.failNext([
      {
        status: 429,
        body: { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } },
      },
    ]);
    const before = chat.accepted.length;
    const result = await harness.deliver({ type: 'google-chat', secrets: { webhookUrl: hook() } });
    expect(result.status).toBe('sent');
    expect(result.attempts).toEqual([
      { status_code: 429, error: 'HTTP 429 (RESOURCE_EXHAUSTED)' },
      { status_code: 200, error: null },
    ]);
    expect(chat.accepted.length - before).toBe(1);
  });

  it('fails a delivery with a bad token at once', async () => {
    const result = await harness.deliver({ type: 'google-chat', secrets: { webhookUrl: hook('bad') } });
    expect(result).toMatchObject({
      status: 'failed',
      attempts: [{ status_code: 401, error: 'HTTP 401 (UNAUTHENTICATED)' }],
    });
  });
});
