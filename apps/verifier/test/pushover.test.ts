import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushoverAdapter } from '../src/channels/pushover';
import { delivery, downAlert, upAlert } from './fixtures';
import { startOutboxHarness } from './services/outbox-harness';
import { startPushoverService } from './services/pushover';

const dashboardUrl = 'https://dash.example.com';
const appToken = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const userKey = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const ackUrl = 'https://dash.example.com/ack/inc-1.s1gn4ture';
const down: AlertPayload = { ...downAlert, ackUrl, cause: 'HTTP 500 <b>boom</b>' };
const monitorLink = `${dashboardUrl}/monitors/${down.monitor.id}`;

let pushover: Awaited<ReturnType<typeof startPushoverService>>;
let harness: Awaited<ReturnType<typeof startOutboxHarness>>;
let http: { allowPrivateTargets: boolean; userAgent: string; dashboardUrl: string; apiUrl: string };

beforeAll(async () => {
  pushover = await startPushoverService(appToken, [userKey]);
  http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl, apiUrl: pushover.url };
  harness = await startOutboxHarness({ pushoverApiUrl: pushover.url });
});

afterAll(async () => {
  await harness?.close();
  await pushover?.close();
});

const toPushover = (payload: AlertPayload, config: Record<string, unknown> = {}, user = userKey) =>
  delivery(payload, config, { userKey: user, appToken });

describe('pushover adapter', () => {
  it('sends the title, the facts in HTML (escaped), and Acknowledge as the link a tap opens, at high priority', async () => {
    const adapter = createPushoverAdapter(http);
    const result = await adapter.deliver(toPushover(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    const request = pushover.requests.at(-1);
    expect(request?.path).toBe('/1/messages.json');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      token: appToken,
      user: userKey,
      title: 'DOWN: Checkout API',
      message: [
        '<b>Cause:</b> HTTP 500 &lt;b&gt;boom&lt;/b&gt;',
        '<b>Duration:</b> down since 09:14:00 UTC',
        '<b>Target:</b> https://shop.example.com/health',
        `<a href="${monitorLink}">Open in SentinelMesh</a>`,
      ].join('\n'),
      html: '1',
      url: ackUrl,
      url_title: 'Acknowledge',
      priority: '1',
      timestamp: String(Date.parse(down.occurredAt) / 1000),
    });
  });

  it('links a recovery to the monitor at normal priority, and sends an emergency with the retry and expiry Pushover needs', async () => {
    const adapter = createPushoverAdapter(http);
    const up = await adapter.deliver(toPushover(upAlert, { priority: 'emergency', device: 'phone' }));
    const emergency = await adapter.deliver(toPushover(down, { priority: 'emergency', device: 'phone' }));
    await adapter.close();
    expect([up.statusCode, emergency.statusCode]).toEqual([200, 200]);
    const [recovery, urgent] = pushover.messages().slice(-2);
    expect(recovery).toMatchObject({
      title: 'UP: Checkout API',
      url: monitorLink,
      url_title: 'Open in SentinelMesh',
      priority: '0',
      device: 'phone',
    });
    expect(recovery?.message).toContain('<b>Duration:</b> down for 3m 20s');
    expect(recovery?.message).not.toContain('<a href');
    expect(urgent).toMatchObject({ priority: '2', retry: '60', expire: '3600' });
  });

  it('keeps a long cause within the 1024 characters Pushover takes', async () => {
    const adapter = createPushoverAdapter(http);
    const result = await adapter.deliver(toPushover({ ...down, cause: 'x'.repeat(5000) }));
    await adapter.close();
    expect(result.ok).toBe(true);
    expect(pushover.messages().at(-1)?.message?.length).toBeLessThanOrEqual(1024);
  });

  it('takes an unknown user (400) as permanent, naming Pushover’s reason without its link, and a 429 as worth a retry', async () => {
    const adapter = createPushoverAdapter(http);
    const unknown = await adapter.deliver(toPushover(down, {}, 'u'.padEnd(30, '0')));
    pushover.failNext({ status: 429, body: { errors: ['message limit reached'], status: 0, request: 'r' } });
    const limited = await adapter.deliver(toPushover(down));
    await adapter.close();
    expect(unknown).toMatchObject({
      ok: false,
      statusCode: 400,
      permanent: true,
      error: 'HTTP 400: user identifier is not a valid user, group, or subscribed user key, see <url>',
    });
    expect(limited).toMatchObject({
      ok: false,
      statusCode: 429,
      permanent: false,
      error: 'HTTP 429: message limit reached',
    });
  });
});

describe('pushover deliveries through the outbox', () => {
  it('sends a down, an up and a test message, sending the down again after a 500', async () => {
    pushover.failNext({ status: 500 });
    const start = pushover.requests.length;
    const settled = await harness.deliverDownUpAndTest(
      'pushover',
      { config: {}, secrets: { userKey, appToken } },
      ackUrl,
    );
    expect(settled).toEqual([
      {
        event: 'monitor.down',
        status: 'sent',
        attempts: [
          { status_code: 500, error: 'HTTP 500' },
          { status_code: 200, error: null },
        ],
      },
      { event: 'monitor.up', status: 'sent', attempts: [{ status_code: 200, error: null }] },
      { event: 'test', status: 'sent', attempts: [{ status_code: 200, error: null }] },
    ]);
    const sent = pushover.requests
      .slice(start)
      .filter((r) => r.status === 200)
      .map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(sent.map((m) => [m.title, m.priority, m.url_title])).toEqual([
      ['DOWN: Checkout API', '1', 'Acknowledge'],
      ['UP: Checkout API', '0', 'Open in SentinelMesh'],
      ['TEST: alerts from SentinelMesh reach this channel', '0', 'Open in SentinelMesh'],
    ]);
  });
});
