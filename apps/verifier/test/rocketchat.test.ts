import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRocketChatAdapter } from '../src/channels/rocketchat';
import { startChannelHarness } from './channel-harness';
import { startRocketChatServer } from './chat-receivers';
import { delivery, downAlert, testPayload, upAlert } from './fixtures';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const ackUrl = 'https://dash.example.com/ack/signed-token';
const down: AlertPayload = { ...downAlert, ackUrl };

let rocket: Awaited<ReturnType<typeof startRocketChatServer>>;
let harness: Awaited<ReturnType<typeof startChannelHarness>>;
const hook = (token = 'tok3n') => `${rocket.origin}/hooks/integ1/${token}`;
const toRocket = (payload: AlertPayload, token?: string) =>
  delivery(payload, {}, { webhookUrl: hook(token) });
const lastBody = () => JSON.parse(rocket.accepted.at(-1)?.rawBody ?? '{}');

beforeAll(async () => {
  rocket = await startRocketChatServer({ integ1: 'tok3n' });
  harness = await startChannelHarness();
});

afterAll(async () => {
  await harness?.close();
  await rocket?.close();
});

describe('rocket.chat adapter', () => {
  it('posts a down alert as text with links and an attachment with the facts', async () => {
    const adapter = createRocketChatAdapter(http);
    expect(await adapter.deliver(toRocket(down))).toMatchObject({ ok: true, statusCode: 200 });
    await adapter.close();
    const body = lastBody();
    expect(body.alias).toBe('SentinelMesh');
    expect(body.text).toBe(
      `**🔴 DOWN: Checkout API**\n[Open in SentinelMesh](${dashboardUrl}/monitors/${down.monitor.id}) · [Acknowledge](${ackUrl})`,
    );
    expect(body.attachments[0]).toMatchObject({
      title: 'DOWN: Checkout API',
      title_link: `${dashboardUrl}/monitors/${down.monitor.id}`,
      color: '#c62828',
    });
    expect(body.attachments[0].fields.map((f: { title: string }) => f.title)).toEqual([
      'Cause',
      'Duration',
      'Target',
    ]);
  });

  it('posts an up alert and a test message', async () => {
    const adapter = createRocketChatAdapter(http);
    await adapter.deliver(toRocket(upAlert));
    expect(lastBody().text).toMatch(/^\*\*✅ UP: Checkout API\*\*\n/);
    expect(lastBody().text).not.toContain('Acknowledge');
    await adapter.deliver(toRocket(testPayload()));
    await adapter.close();
    expect(lastBody().text).toMatch(/^\*\*👋 TEST: alerts from SentinelMesh reach this channel\*\*/);
  });

  it('treats an unknown integration token (404) as permanent, with Rocket.Chat’s reason', async () => {
    const adapter = createRocketChatAdapter(http);
    expect(await adapter.deliver(toRocket(down, 'wrong'))).toMatchObject({
      ok: false,
      statusCode: 404,
      permanent: true,
      error: 'HTTP 404: Invalid integration id or token provided.',
    });
    await adapter.close();
  });

  it('does not count a 200 whose body says success: false as delivered', async () => {
    rocket.failNext([{ status: 200, body: { success: false, error: 'error-invalid-room' } }]);
    const adapter = createRocketChatAdapter(http);
    expect(await adapter.deliver(toRocket(down))).toMatchObject({
      ok: false,
      statusCode: 200,
      permanent: true,
      error: 'HTTP 200: error-invalid-room',
    });
    await adapter.close();
  });
});

describe('rocket.chat deliveries through the notifier', () => {
  it('waits out a 429 with Retry-After, then delivers the test alert once', async () => {
    rocket.failNext([
      { status: 429, body: { success: false, error: 'rate limited' }, headers: { 'retry-after': '1' } },
    ]);
    const before = rocket.accepted.length;
    const result = await harness.deliver({ type: 'rocketchat', secrets: { webhookUrl: hook() } });
    expect(result.status).toBe('sent');
    expect(result.attempts).toEqual([
      { status_code: 429, error: 'HTTP 429: rate limited' },
      { status_code: 200, error: null },
    ]);
    expect(rocket.accepted.length - before).toBe(1);
    const [limited, delivered] = rocket.answers.slice(-2);
    expect([limited?.status, delivered?.status]).toEqual([429, 200]);
    // Backoff alone would retry after 50 ms; Retry-After asked for a second.
    expect((delivered?.atMs ?? 0) - (limited?.atMs ?? 0)).toBeGreaterThanOrEqual(1_000 - 20);
  });

  it('fails a delivery with a wrong token at once', async () => {
    const result = await harness.deliver({ type: 'rocketchat', secrets: { webhookUrl: hook('nope') } });
    expect(result).toMatchObject({
      status: 'failed',
      attempts: [{ status_code: 404, error: 'HTTP 404: Invalid integration id or token provided.' }],
    });
  });
});
