import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertMessage } from '../src/channels/message';
import { SMS_MAX_SEPTETS, septets, smsText, toGsm7 } from '../src/channels/sms-text';
import { createTwilioSmsAdapter } from '../src/channels/twilio-sms';
import { startChannelHarness } from './channel-harness';
import { startTwilioServer } from './chat-receivers';
import { delivery, downAlert, testPayload, upAlert } from './fixtures';

const dashboardUrl = 'https://dash.example.com';
const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'auth-token-0001';
const ackUrl = `https://dash.example.com/ack/${'x'.repeat(120)}`;
const down: AlertPayload = { ...downAlert, ackUrl };
const config = { accountSid, from: '+14155550100', to: '+14155550123' };

let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
let harness: Awaited<ReturnType<typeof startChannelHarness>>;
const options = () => ({
  allowPrivateTargets: true,
  userAgent: 'SentinelMesh/test',
  dashboardUrl,
  apiUrl: twilio.origin,
});
const toTwilio = (payload: AlertPayload, token = authToken, to = config.to) =>
  delivery(payload, { ...config, to }, { authToken: token });
const lastForm = () => new URLSearchParams(twilio.accepted.at(-1)?.rawBody ?? '');

beforeAll(async () => {
  twilio = await startTwilioServer({ accountSid, authToken });
  harness = await startChannelHarness({ twilioApiUrl: twilio.origin });
});

afterAll(async () => {
  await harness?.close();
  await twilio?.close();
});

describe('the SMS text', () => {
  it('keeps any alert within two GSM-7 segments, title first, links whole', () => {
    const long: AlertPayload = {
      ...down,
      monitor: { ...down.monitor, name: 'Kraków “checkout” 🚀 API' },
      cause: 'x'.repeat(900),
    };
    const text = smsText(alertMessage(long, dashboardUrl));
    expect(text).toBe(toGsm7(text));
    expect(septets(text)).toBeLessThanOrEqual(SMS_MAX_SEPTETS);
    expect(text.split('\n')[0]).toBe('DOWN: Krakow "checkout" ? API');
    expect(text).toContain(`Ack: ${ackUrl}`);
    expect(text).toContain(`${dashboardUrl}/monitors/${down.monitor.id}`);
    expect(text).toContain('xxx...');
  });
});

describe('twilio sms adapter', () => {
  it('creates a message with HTTP Basic auth and a form of To, From and a short Body', async () => {
    const adapter = createTwilioSmsAdapter(options());
    expect(await adapter.deliver(toTwilio(down))).toMatchObject({ ok: true, statusCode: 201 });
    await adapter.close();
    const request = twilio.accepted.at(-1);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    const form = lastForm();
    expect(form.get('To')).toBe('+14155550123');
    expect(form.get('From')).toBe('+14155550100');
    expect(form.get('Body')?.split('\n')).toEqual([
      'DOWN: Checkout API',
      'HTTP 500 from 2 of 2 regions',
      'down since 09:14:00 UTC',
      `Ack: ${ackUrl}`,
      `${dashboardUrl}/monitors/${down.monitor.id}`,
    ]);
  });

  it('sends an up alert and a test message, and a Messaging Service SID as MessagingServiceSid', async () => {
    const adapter = createTwilioSmsAdapter(options());
    await adapter.deliver(toTwilio(upAlert));
    expect(lastForm().get('Body')).toBe(
      `UP: Checkout API\ndown for 3m 20s\n${dashboardUrl}/monitors/${upAlert.monitor.id}`,
    );
    const service = `MG${'a'.repeat(32)}`;
    await adapter.deliver(delivery(testPayload(), { ...config, from: service }, { authToken }));
    await adapter.close();
    expect(lastForm().get('MessagingServiceSid')).toBe(service);
    expect(lastForm().get('From')).toBeNull();
    expect(lastForm().get('Body')?.split('\n')[0]).toBe('TEST: alerts from SentinelMesh reach this channel');
  });

  it('treats bad credentials (20003) and an invalid number (21211) as permanent', async () => {
    const adapter = createTwilioSmsAdapter(options());
    expect(await adapter.deliver(toTwilio(down, 'wrong'))).toMatchObject({
      ok: false,
      statusCode: 401,
      permanent: true,
      error: 'HTTP 401 (Twilio error 20003)',
    });
    expect(await adapter.deliver(toTwilio(down, authToken, '+15005550001'))).toMatchObject({
      statusCode: 400,
      permanent: true,
      error: 'HTTP 400 (Twilio error 21211)',
    });
    await adapter.close();
  });
});

describe('twilio sms deliveries through the notifier', () => {
  it('retries a 500, then sends the test SMS once', async () => {
    twilio.failNext([{ status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } }]);
    const before = twilio.accepted.length;
    const result = await harness.deliver({ type: 'twilio-sms', config, secrets: { authToken } });
    expect(result.status).toBe('sent');
    expect(result.attempts).toEqual([
      { status_code: 500, error: 'HTTP 500 (Twilio error 20500)' },
      { status_code: 201, error: null },
    ]);
    expect(twilio.accepted.length - before).toBe(1);
  });

  it('fails a delivery with a wrong Auth Token at once', async () => {
    const result = await harness.deliver({ type: 'twilio-sms', config, secrets: { authToken: 'revoked' } });
    expect(result).toMatchObject({
      status: 'failed',
      attempts: [{ status_code: 401, error: 'HTTP 401 (Twilio error 20003)' }],
    });
  });
});
