import { verifyWebhookSignature } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailAdapter } from '../src/channels/email';
import { createPagerDutyAdapter } from '../src/channels/pagerduty';
import { createSlackAdapter } from '../src/channels/slack';
import { createWebhookAdapter } from '../src/channels/webhook';
import { delivery, downAlert as down, incident, upAlert as up } from './fixtures';
import { type Receiver, startReceiver } from './receiver';
import { startPagerDutyReceiver, startSmtpReceiver } from './receivers';

const dashboardUrl = 'https://dash.example.com';

let hooks: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let pagerduty: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };

beforeAll(async () => {
  hooks = await startReceiver({});
  smtp = await startSmtpReceiver();
  pagerduty = await startPagerDutyReceiver();
});

afterAll(async () => {
  await Promise.all([hooks?.close(), smtp?.close(), pagerduty?.close()]);
});

describe('slack adapter', () => {
  it('posts an incoming-webhook message naming the monitor, the cause, the duration and a link', async () => {
    const slack = createSlackAdapter(http);
    const result = await slack.deliver(delivery(up, {}, { webhookUrl: hooks.url('/slack/T1/B1/x') }));
    await slack.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    const [message] = hooks.at('/slack/T1/B1/x');
    expect(message?.headers['content-type']).toBe('application/json');
    const body = message?.body as unknown as {
      text: string;
      blocks: Array<{ type: string; text: { type: string } }>;
    };
    expect(body.text).toContain('*UP: Checkout API*');
    expect(body.text).toContain('Duration: down for 3m 20s');
    expect(body.text).toContain(`<${dashboardUrl}/monitors/${down.monitor.id}|Open in SentinelMesh>`);
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
  });

  it('puts the cause of a down alert in the message', async () => {
    const slack = createSlackAdapter(http);
    await slack.deliver(delivery(down, {}, { webhookUrl: hooks.url('/slack/down') }));
    await slack.close();
    expect((hooks.at('/slack/down')[0]?.body as unknown as { text?: string } | undefined)?.text).toContain(
      'Cause: HTTP 500 from 2 of 2 regions',
    );
  });

  it('treats a Slack 404 (a deleted webhook) as permanent and a 500 as worth a retry', async () => {
    const slack = createSlackAdapter(http);
    hooks.script('/slack/gone', [404]);
    hooks.script('/slack/busy', [500]);
    const gone = await slack.deliver(delivery(down, {}, { webhookUrl: hooks.url('/slack/gone') }));
    const busy = await slack.deliver(delivery(down, {}, { webhookUrl: hooks.url('/slack/busy') }));
    await slack.close();
    expect(gone).toMatchObject({ ok: false, statusCode: 404, permanent: true });
    expect(busy).toMatchObject({ ok: false, statusCode: 500, permanent: false });
  });

  it('refuses a loopback webhook URL when private targets are not allowed, sending nothing', async () => {
    const slack = createSlackAdapter({ ...http, allowPrivateTargets: false });
    const result = await slack.deliver(delivery(down, {}, { webhookUrl: hooks.url('/slack/private') }));
    await slack.close();
    expect(result).toMatchObject({ ok: false, permanent: true, error: 'blocked target: non-public address' });
    expect(hooks.at('/slack/private')).toHaveLength(0);
  });
});

describe('pagerduty adapter', () => {
  it('triggers on down and resolves on up with the incident id as dedup_key', async () => {
    const pd = createPagerDutyAdapter({ ...http, eventsUrl: pagerduty.eventsUrl });
    const triggered = await pd.deliver(delivery(down, {}, { routingKey: 'R0UT1NGKEY' }));
    const resolved = await pd.deliver(delivery(up, {}, { routingKey: 'R0UT1NGKEY' }));
    await pd.close();
    expect(triggered).toMatchObject({ ok: true, statusCode: 202 });
    expect(resolved).toMatchObject({ ok: true, statusCode: 202 });
    expect(pagerduty.events).toEqual([
      expect.objectContaining({
        routing_key: 'R0UT1NGKEY',
        event_action: 'trigger',
        dedup_key: incident.id,
        payload: expect.objectContaining({
          summary: 'DOWN: Checkout API — HTTP 500 from 2 of 2 regions',
          source: 'https://shop.example.com/health',
          severity: 'critical',
        }),
      }),
      expect.objectContaining({ event_action: 'resolve', dedup_key: incident.id }),
    ]);
  });

  it('reports a channel without a routing key as a permanent failure', async () => {
    const pd = createPagerDutyAdapter({ ...http, eventsUrl: pagerduty.eventsUrl });
    const result = await pd.deliver(delivery(down, {}, null));
    await pd.close();
    expect(result).toMatchObject({ ok: false, permanent: true, error: 'missing PagerDuty routing key' });
  });
});

describe('email adapter', () => {
  it('sends one message over SMTP with DOWN and the monitor in the subject, and text and HTML parts', async () => {
    const email = createEmailAdapter({ smtpUrl: smtp.url, from: 'alerts@sentinel.test', dashboardUrl });
    const result = await email.deliver(
      delivery(down, { to: ['oncall@example.com', 'ops@example.com'] }, null),
    );
    await email.close();
    expect(result).toMatchObject({ ok: true, statusCode: 250 });
    const mail = smtp.mails.find((m) => m.alertId === down.id);
    expect(mail).toMatchObject({
      from: 'alerts@sentinel.test',
      to: ['oncall@example.com', 'ops@example.com'],
      subject: '[SentinelMesh] DOWN: Checkout API',
      messageId: `<${down.id}@sentinelmesh>`,
      event: 'monitor.down',
    });
    expect(mail?.text).toContain('Cause: HTTP 500 from 2 of 2 regions');
    expect(mail?.text).toContain(`${dashboardUrl}/monitors/${down.monitor.id}`);
    expect(mail?.html).toContain('<h2');
    expect(mail?.html).toContain('HTTP 500 from 2 of 2 regions');
  });

  it('says UP in the subject of a recovery', async () => {
    const email = createEmailAdapter({ smtpUrl: smtp.url, from: 'alerts@sentinel.test', dashboardUrl });
    await email.deliver(delivery(up, { to: ['oncall@example.com'] }, null));
    await email.close();
    expect(smtp.mails.find((m) => m.alertId === up.id)?.subject).toBe('[SentinelMesh] UP: Checkout API');
  });

  it('fails with a clear, permanent error when the deployment has no SMTP_URL', async () => {
    const email = createEmailAdapter({ smtpUrl: null, from: 'alerts@sentinel.test', dashboardUrl });
    const result = await email.deliver(delivery(down, { to: ['oncall@example.com'] }, null));
    expect(result).toMatchObject({
      ok: false,
      permanent: true,
      error: 'email is not configured on this deployment: set SMTP_URL (and SMTP_FROM)',
    });
  });
});

describe('webhook secret rotation', () => {
  it('signs with the current secret first and the previous one second, so either verifies', async () => {
    const webhook = createWebhookAdapter({ ...http, clock: Date.now });
    const current = 'whsec_current_0123456789';
    const previous = 'whsec_previous_0123456789';
    await webhook.deliver(
      delivery(down, { url: hooks.url('/rotating') }, { secret: current, previousSecret: previous }),
    );
    await webhook.close();
    const [hit] = hooks.at('/rotating');
    const header = String(hit?.headers['x-sentinel-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhookSignature([current], hit?.rawBody ?? '', header, now)).toBe(true);
    expect(verifyWebhookSignature([previous], hit?.rawBody ?? '', header, now)).toBe(true);
    expect(verifyWebhookSignature(['whsec_someone_else_000'], hit?.rawBody ?? '', header, now)).toBe(false);
  });

  it('sends a single v1 signature when no previous secret is kept', async () => {
    const webhook = createWebhookAdapter({ ...http, clock: Date.now });
    await webhook.deliver(delivery(down, { url: hooks.url('/single') }, { secret: 'whsec_only_0123456789' }));
    await webhook.close();
    expect(String(hooks.at('/single')[0]?.headers['x-sentinel-signature'])).toMatch(
      /^t=\d+,v1=[0-9a-f]{64}$/,
    );
  });
});
