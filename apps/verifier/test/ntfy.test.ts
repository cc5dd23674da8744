import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNtfyAdapter } from '../src/channels/ntfy';
import { delivery, downAlert, upAlert } from './fixtures';
import { startNtfyService } from './services/ntfy';
import { startOutboxHarness } from './services/outbox-harness';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const ackUrl = 'https://dash.example.com/ack/inc-1.s1gn4ture';
const down: AlertPayload = { ...downAlert, ackUrl };
const monitorLink = `${dashboardUrl}/monitors/${down.monitor.id}`;

let ntfy: Awaited<ReturnType<typeof startNtfyService>>;
let harness: Awaited<ReturnType<typeof startOutboxHarness>>;
let serverUrl: string;

beforeAll(async () => {
  ntfy = await startNtfyService({
    basePath: '/ntfy',
    protectedTopics: {
      'ops-token': { token: 'tk_0123456789abcdef' },
      'ops-basic': { user: 'phil', password: 'p4ss:word' },
    },
  });
  serverUrl = `${ntfy.url}/ntfy`;
  harness = await startOutboxHarness();
});

afterAll(async () => {
  await harness?.close();
  await ntfy?.close();
});

const toNtfy = (payload: AlertPayload, config: Record<string, unknown>, secrets: Record<string, unknown>) =>
  delivery(payload, { serverUrl, ...config }, secrets);

describe('ntfy adapter', () => {
  it('publishes JSON to the server’s root: the title, the facts as the message, a tap opening the monitor, an Acknowledge button', async () => {
    const adapter = createNtfyAdapter(http);
    const result = await adapter.deliver(toNtfy(down, {}, { topic: 'sentinel-k3x9q2' }));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    const request = ntfy.requests.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/ntfy/');
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      topic: 'sentinel-k3x9q2',
      title: 'DOWN: Checkout API',
      message: [
        'Cause: HTTP 500 from 2 of 2 regions',
        'Duration: down since 09:14:00 UTC',
        'Target: https://shop.example.com/health',
      ].join('\n'),
      priority: 4,
      tags: ['rotating_light'],
      click: monitorLink,
      actions: [
        { action: 'view', label: 'Acknowledge', url: ackUrl, clear: true },
        { action: 'view', label: 'Open in SentinelMesh', url: monitorLink },
      ],
    });
  });

  it('sends a recovery at default priority or lower, with no Acknowledge button when the alert has no link', async () => {
    const adapter = createNtfyAdapter(http);
    await adapter.deliver(toNtfy(upAlert, { priority: 'max' }, { topic: 'sentinel-k3x9q2' }));
    await adapter.deliver(toNtfy(upAlert, { priority: 'min' }, { topic: 'sentinel-k3x9q2' }));
    await adapter.close();
    const [maxUp, minUp] = ntfy.messages().slice(-2);
    expect(maxUp).toMatchObject({ title: 'UP: Checkout API', priority: 3, tags: ['white_check_mark'] });
    expect(maxUp?.message).toContain('Duration: down for 3m 20s');
    expect(maxUp?.actions).toEqual([{ action: 'view', label: 'Open in SentinelMesh', url: monitorLink }]);
    expect(minUp?.priority).toBe(1);
  });

  it('signs in to a protected topic with its access token, or with its user and password', async () => {
    const adapter = createNtfyAdapter(http);
    const token = await adapter.deliver(
      toNtfy(down, {}, { topic: 'ops-token', accessToken: 'tk_0123456789abcdef' }),
    );
    const basic = await adapter.deliver(
      toNtfy(down, { username: 'phil' }, { topic: 'ops-basic', password: 'p4ss:word' }),
    );
    await adapter.close();
    expect([token.statusCode, basic.statusCode]).toEqual([200, 200]);
    const [first, second] = ntfy.requests.slice(-2);
    expect(first?.headers.authorization).toBe('Bearer tk_0123456789abcdef');
    expect(second?.headers.authorization).toBe(`Basic ${Buffer.from('phil:p4ss:word').toString('base64')}`);
  });

  it('takes a refused protected topic (403) as permanent, naming ntfy’s error, and a 429 as worth a retry', async () => {
    const adapter = createNtfyAdapter(http);
    const refused = await adapter.deliver(toNtfy(down, {}, { topic: 'ops-token' }));
    ntfy.failNext({
      status: 429,
      body: { code: 42901, http: 429, error: 'limit reached: too many requests' },
    });
    const limited = await adapter.deliver(toNtfy(down, {}, { topic: 'sentinel-k3x9q2' }));
    await adapter.close();
    expect(refused).toMatchObject({
      ok: false,
      statusCode: 403,
      permanent: true,
      error: 'HTTP 403: forbidden',
    });
    expect(limited).toMatchObject({
      ok: false,
      statusCode: 429,
      permanent: false,
      error: 'HTTP 429: limit reached: too many requests',
    });
  });

  it('refuses a self-hosted server on a loopback address where private targets are not allowed, sending nothing', async () => {
    const before = ntfy.requests.length;
    const adapter = createNtfyAdapter({ ...http, allowPrivateTargets: false });
    const result = await adapter.deliver(toNtfy(down, {}, { topic: 'sentinel-k3x9q2' }));
    await adapter.close();
    expect(result).toMatchObject({ ok: false, permanent: true, error: 'blocked target: non-public address' });
    expect(ntfy.requests).toHaveLength(before);
  });
});

describe('ntfy deliveries through the outbox', () => {
  it('publishes a down, an up and a test message, sending the down again after a 502', async () => {
    ntfy.failNext({ status: 502 });
    const start = ntfy.requests.length;
    const settled = await harness.deliverDownUpAndTest(
      'ntfy',
      { config: { serverUrl }, secrets: { topic: 'sentinel-outbox' } },
      ackUrl,
    );
    expect(settled).toEqual([
      {
        event: 'monitor.down',
        status: 'sent',
        attempts: [
          { status_code: 502, error: 'HTTP 502' },
          { status_code: 200, error: null },
        ],
      },
      { event: 'monitor.up', status: 'sent', attempts: [{ status_code: 200, error: null }] },
      { event: 'test', status: 'sent', attempts: [{ status_code: 200, error: null }] },
    ]);
    const published = ntfy.requests
      .slice(start)
      .filter((r) => r.status === 200)
      .map((r) => JSON.parse(r.body));
    expect(published.map((m) => [m.topic, m.title, m.priority])).toEqual([
      ['sentinel-outbox', 'DOWN: Checkout API', 4],
      ['sentinel-outbox', 'UP: Checkout API', 3],
      ['sentinel-outbox', 'TEST: alerts from SentinelMesh reach this channel', 3],
    ]);
  });
});
