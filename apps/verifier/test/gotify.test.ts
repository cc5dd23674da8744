import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGotifyAdapter } from '../src/channels/gotify';
import { delivery, downAlert, upAlert } from './fixtures';
import { startGotifyService } from './services/gotify';
import { startOutboxHarness } from './services/outbox-harness';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const appToken = 'AqZ8.fN3kLmP_x2';
const ackUrl = 'https://dash.example.com/ack/inc-1.s1gn4ture';
const down: AlertPayload = { ...downAlert, ackUrl, cause: 'HTTP 500 *bold* [link](x)' };
const monitorLink = `${dashboardUrl}/monitors/${down.monitor.id}`;

let gotify: Awaited<ReturnType<typeof startGotifyService>>;
let harness: Awaited<ReturnType<typeof startOutboxHarness>>;
let serverUrl: string;

beforeAll(async () => {
  gotify = await startGotifyService(appToken, '/gotify');
  serverUrl = `${gotify.url}/gotify/`;
  harness = await startOutboxHarness();
});

afterAll(async () => {
  await harness?.close();
  await gotify?.close();
});

const toGotify = (payload: AlertPayload, config: Record<string, unknown> = {}, token = appToken) =>
  delivery(payload, { serverUrl, ...config }, { appToken: token });

describe('gotify adapter', () => {
  it('posts to <server>/message with the app token: the title, the facts as escaped Markdown, Acknowledge and Open links, a tap opening the monitor', async () => {
    const adapter = createGotifyAdapter(http);
    const result = await adapter.deliver(toGotify(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    const request = gotify.requests.at(-1);
    expect(request?.path).toBe('/gotify/message');
    expect(request?.headers['x-gotify-key']).toBe(appToken);
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      title: 'DOWN: Checkout API',
      message: [
        '**Cause:** HTTP 500 \\*bold\\* \\[link\\]\\(x\\)  ',
        '**Duration:** down since 09:14:00 UTC  ',
        '**Target:** https://shop\\.example\\.com/health',
        '',
        `[Acknowledge](<${ackUrl}>) · [Open in SentinelMesh](<${monitorLink}>)`,
      ].join('\n'),
      priority: 8,
      extras: {
        'client::display': { contentType: 'text/markdown' },
        'client::notification': { click: { url: monitorLink } },
      },
    });
  });

  it('sends a recovery at default priority or lower, with no Acknowledge link when the alert has none', async () => {
    const adapter = createGotifyAdapter(http);
    await adapter.deliver(toGotify(upAlert, { priority: 'max' }));
    await adapter.deliver(toGotify(upAlert, { priority: 'low' }));
    await adapter.close();
    const [maxUp, lowUp] = gotify.messages().slice(-2);
    expect(maxUp).toMatchObject({ title: 'UP: Checkout API', priority: 5 });
    expect(maxUp?.message).toContain('**Duration:** down for 3m 20s');
    expect(maxUp?.message).not.toContain('Acknowledge');
    expect(lowUp?.priority).toBe(2);
  });

  it('takes a wrong app token (401) as permanent, naming Gotify’s description, and a 503 as worth a retry', async () => {
    const adapter = createGotifyAdapter(http);
    const wrong = await adapter.deliver(toGotify(down, {}, 'not-the-token'));
    gotify.failNext({ status: 503 });
    const busy = await adapter.deliver(toGotify(down));
    await adapter.close();
    expect(wrong).toMatchObject({
      ok: false,
      statusCode: 401,
      permanent: true,
      error: 'HTTP 401: you need to provide a valid access token or user credentials to access this api',
    });
    expect(busy).toMatchObject({ ok: false, statusCode: 503, permanent: false, error: 'HTTP 503' });
  });

  it('refuses a server on a loopback address where private targets are not allowed, sending nothing', async () => {
    const before = gotify.requests.length;
    const adapter = createGotifyAdapter({ ...http, allowPrivateTargets: false });
    const result = await adapter.deliver(toGotify(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: false, permanent: true, error: 'blocked target: non-public address' });
    expect(gotify.requests).toHaveLength(before);
  });
});

describe('gotify deliveries through the outbox', () => {
  it('posts a down, an up and a test message, sending the down again after a 500', async () => {
    gotify.failNext({
      status: 500,
      body: { error: 'Internal Server Error', errorCode: 500, errorDescription: 'database is locked' },
    });
    const start = gotify.requests.length;
    const settled = await harness.deliverDownUpAndTest(
      'gotify',
      { config: { serverUrl }, secrets: { appToken } },
      ackUrl,
    );
    expect(settled).toEqual([
      {
        event: 'monitor.down',
        status: 'sent',
        attempts: [
          { status_code: 500, error: 'HTTP 500: database is locked' },
          { status_code: 200, error: null },
        ],
      },
      { event: 'monitor.up', status: 'sent', attempts: [{ status_code: 200, error: null }] },
      { event: 'test', status: 'sent', attempts: [{ status_code: 200, error: null }] },
    ]);
    const sent = gotify.requests
      .slice(start)
      .filter((r) => r.status === 200)
      .map((r) => JSON.parse(r.body));
    expect(sent.map((m) => [m.title, m.priority])).toEqual([
      ['DOWN: Checkout API', 8],
      ['UP: Checkout API', 5],
      ['TEST: alerts from SentinelMesh reach this channel', 5],
    ]);
  });
});
