import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomWebhookAdapter } from '../src/channels/custom-webhook';
import { startChannelHarness } from './channel-harness';
import { type FakeService, startFakeService } from './fake-service';
import { delivery, downAlert, testPayload, upAlert } from './fixtures';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const ackUrl = 'https://dash.example.com/ack/signed-token';
// A cause with quotes and a newline: it must not break the JSON the template makes.
const down: AlertPayload = { ...downAlert, cause: 'HTTP 500: "oops"\nsecond line', ackUrl };
const template =
  '{"summary":"{{title}}","cause":"{{cause}}","monitor":"{{monitor.name}}"{{#incident}},"incident":"{{id}}"{{/incident}}{{#ackUrl}},"ack":"{{ackUrl}}"{{/ackUrl}},"down":{{isDown}}}';

let receiver: FakeService;
let harness: Awaited<ReturnType<typeof startChannelHarness>>;
const config = (overrides: Record<string, unknown> = {}) => ({
  method: 'POST',
  contentType: 'application/json',
  bodyTemplate: template,
  ...overrides,
});
const secrets = (path = '/in', headers: Record<string, string> = { Authorization: 'Bearer s3cret' }) => ({
  url: `${receiver.origin}${path}`,
  headers,
});

beforeAll(async () => {
  // A receiver that, like many, wants its bearer token and JSON.
  receiver = await startFakeService((r) => {
    if (r.headers.authorization !== 'Bearer s3cret') return { status: 401, body: { error: 'unauthorized' } };
    return { status: 202, body: { accepted: true } };
  });
  harness = await startChannelHarness();
});

afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

describe('custom webhook adapter', () => {
  it('sends the rendered template as JSON, each value JSON-escaped, with its headers and the alert id as Idempotency-Key', async () => {
    const adapter = createCustomWebhookAdapter(http);
    expect(await adapter.deliver(delivery(down, config(), secrets()))).toMatchObject({
      ok: true,
      statusCode: 202,
    });
    await adapter.close();
    const request = receiver.accepted.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe(down.id);
    expect(JSON.parse(request?.rawBody ?? '')).toEqual({
      summary: 'DOWN: Checkout API',
      cause: 'HTTP 500: "oops"\nsecond line',
      monitor: 'Checkout API',
      incident: down.incident?.id,
      ack: ackUrl,
      down: true,
    });
  });

  it('renders an up alert and a test message from the same template, without an ack when there is none', async () => {
    const adapter = createCustomWebhookAdapter(http);
    await adapter.deliver(delivery(upAlert, config(), secrets()));
    expect(JSON.parse(receiver.accepted.at(-1)?.rawBody ?? '')).toEqual({
      summary: 'UP: Checkout API',
      cause: '',
      monitor: 'Checkout API',
      incident: upAlert.incident?.id,
      down: false,
    });
    await adapter.deliver(delivery(testPayload(), config(), secrets()));
    await adapter.close();
    expect(JSON.parse(receiver.accepted.at(-1)?.rawBody ?? '')).toMatchObject({
      summary: 'TEST: alerts from SentinelMesh reach this channel',
      down: false,
    });
  });

  it('uses its method and a form content type, escaping for the form', async () => {
    const adapter = createCustomWebhookAdapter(http);
    const form = config({
      method: 'PUT',
      contentType: 'application/x-www-form-urlencoded',
      bodyTemplate: 'text={{title}}&cause={{cause}}',
    });
    expect((await adapter.deliver(delivery(down, form, secrets()))).ok).toBe(true);
    await adapter.close();
    const request = receiver.accepted.at(-1);
    expect(request?.method).toBe('PUT');
    expect(Object.fromEntries(new URLSearchParams(request?.rawBody ?? ''))).toEqual({
      text: 'DOWN: Checkout API',
      cause: down.cause,
    });
  });

  it('refuses, sending nothing, a template that gives no JSON for a JSON content type', async () => {
    const adapter = createCustomWebhookAdapter(http);
    const before = receiver.requests.length;
    expect(
      await adapter.deliver(delivery(down, config({ bodyTemplate: '{"a": {{title}}}' }), secrets())),
    ).toMatchObject({
      ok: false,
      permanent: true,
      error: 'the body template does not give valid JSON for this alert',
    });
    await adapter.close();
    expect(receiver.requests).toHaveLength(before);
  });

  it('treats a 401 from the receiver as permanent', async () => {
    const adapter = createCustomWebhookAdapter(http);
    expect(await adapter.deliver(delivery(down, config(), secrets('/in', {})))).toMatchObject({
      ok: false,
      statusCode: 401,
      permanent: true,
    });
    await adapter.close();
  });
});

describe('custom webhook deliveries through the notifier', () => {
  it('retries a 500, then delivers the test alert once', async () => {
    receiver.failNext([{ status: 500, body: 'busy' }]);
    const before = receiver.accepted.length;
    const result = await harness.deliver({ type: 'custom-webhook', config: config(), secrets: secrets() });
    expect(result.status).toBe('sent');
    expect(result.attempts).toEqual([
      { status_code: 500, error: 'HTTP 500' },
      { status_code: 202, error: null },
    ]);
    expect(receiver.accepted.length - before).toBe(1);
    expect(receiver.accepted.at(-1)?.headers['idempotency-key']).toBe(result.alertId);
  });

  it('fails at once when the receiver refuses the credentials', async () => {
    const result = await harness.deliver({
      type: 'custom-webhook',
      config: config(),
      secrets: secrets('/in', {}),
    });
    expect(result).toMatchObject({ status: 'failed', attempts: [{ status_code: 401, error: 'HTTP 401' }] });
  });
});
