import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMattermostAdapter } from '../src/channels/mattermost';
import { startChannelHarness } from './channel-harness';
import { startMattermostServer } from './chat-receivers';
import { delivery, downAlert, testPayload, upAlert } from './fixtures';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const ackUrl = 'https://dash.example.com/ack/signed-token';
const down: AlertPayload = {
  ...downAlert,
  monitor: { ...downAlert.monitor, name: 'Checkout @channel' },
  ackUrl,
};

let mattermost: Awaited<ReturnType<typeof startMattermostServer>>;
let harness: Awaited<ReturnType<typeof startChannelHarness>>;
const hook = (key = 'abc123key') => `${mattermost.origin}/hooks/${key}`;
const toMattermost = (payload: AlertPayload, key?: string) =>
  delivery(payload, {}, { webhookUrl: hook(key) });
const lastBody = () => JSON.parse(mattermost.accepted.at(-1)?.rawBody ?? '{}');

beforeAll(async () => {
  mattermost = await startMattermostServer(['abc123key']);
  harness = await startChannelHarness();
});

afterAll(async () => {
  await harness?.close();
  await mattermost?.close();
});

describe('mattermost adapter', () => {
  it('posts a down alert: the title and links as text, the facts in an attachment, mentions defused', async () => {
    const adapter = createMattermostAdapter(http);
    expect(await adapter.deliver(toMattermost(down))).toMatchObject({ ok: true, statusCode: 200 });
    await adapter.close();
    expect(lastBody()).toEqual({
      username: 'SentinelMesh',
      text: `**🔴 DOWN: Checkout @\u200bchannel**\n[Open in SentinelMesh](${dashboardUrl}/monitors/${down.monitor.id}) · [Acknowledge](${ackUrl})`,
      attachments: [
        {
          fallback: '🔴 DOWN: Checkout @\u200bchannel',
          color: '#c62828',
          title: 'DOWN: Checkout @\u200bchannel',
          title_link: `${dashboardUrl}/monitors/${down.monitor.id}`,
          fields: [
            { short: false, title: 'Cause', value: 'HTTP 500 from 2 of 2 regions' },
            { short: true, title: 'Duration', value: 'down since 09:14:00 UTC' },
            { short: false, title: 'Target', value: 'https://shop.example.com/health' },
          ],
          ts: Date.parse(down.occurredAt) / 1000,
        },
      ],
    });
  });

  it('posts an up alert and a test message, without an Acknowledge link when the alert has none', async () => {
    const adapter = createMattermostAdapter(http);
    await adapter.deliver(toMattermost(upAlert));
    const up = lastBody();
    expect(up.text).toMatch(/^\*\*✅ UP: Checkout API\*\*/);
    expect(up.text).not.toContain('Acknowledge');
    expect(up.attachments[0].fields).toContainEqual({
      short: true,
      title: 'Duration',
      value: 'down for 3m 20s',
    });
    await adapter.deliver(toMattermost(testPayload()));
    await adapter.close();
    expect(lastBody().text).toMatch(/^\*\*👋 TEST: alerts from SentinelMesh reach this channel\*\*/);
  });

  it('treats a deleted hook (400 web.incoming_webhook.invalid.app_error) as permanent', async () => {
    const adapter = createMattermostAdapter(http);
    expect(await adapter.deliver(toMattermost(down, 'gone'))).toMatchObject({
      ok: false,
      statusCode: 400,
      permanent: true,
      error: 'HTTP 400 (web.incoming_webhook.invalid.app_error)',
    });
    await adapter.close();
  });
});

describe('mattermost deliveries through the notifier', () => {
  it('retries a 503, then delivers the test alert once', async () => {
    mattermost.failNext([{ status: 503, body: 'upstream unavailable' }]);
    const before = mattermost.accepted.length;
    const result = await harness.deliver({ type: 'mattermost', secrets: { webhookUrl: hook() } });
    expect(result.status).toBe('sent');
    expect(result.attempts).toEqual([
      { status_code: 503, error: 'HTTP 503' },
      { status_code: 200, error: null },
    ]);
    expect(mattermost.accepted.length - before).toBe(1);
  });

  it('fails a delivery to a deleted hook at once', async () => {
    const result = await harness.deliver({ type: 'mattermost', secrets: { webhookUrl: hook('deleted') } });
    expect(result).toMatchObject({
      status: 'failed',
      attempts: [{ status_code: 400, error: 'HTTP 400 (web.incoming_webhook.invalid.app_error)' }],
    });
  });
});
