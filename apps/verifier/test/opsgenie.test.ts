import { type AlertPayload, buildAcknowledgedAlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpsgenieAdapter } from '../src/channels/opsgenie';
import { delivery, downAlert, httpConfig, incident, upAlert } from './fixtures';
import { startOpsgenieService } from './services/opsgenie';
import { startOutboxHarness } from './services/outbox-harness';

const dashboardUrl = 'https://dash.example.com';
const apiKey = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const ackUrl = 'https://dash.example.com/ack/inc-1.s1gn4ture';
const down: AlertPayload = { ...downAlert, ackUrl };

let us: Awaited<ReturnType<typeof startOpsgenieService>>;
let eu: Awaited<ReturnType<typeof startOpsgenieService>>;
let harness: Awaited<ReturnType<typeof startOutboxHarness>>;
let http: {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  apiUrls: { us: string; eu: string };
};

beforeAll(async () => {
  us = await startOpsgenieService(apiKey);
  eu = await startOpsgenieService(apiKey);
  http = {
    allowPrivateTargets: true,
    userAgent: 'SentinelMesh/test',
    dashboardUrl,
    apiUrls: { us: us.url, eu: eu.url },
  };
  harness = await startOutboxHarness({ opsgenieApiUrls: { us: us.url, eu: eu.url } });
});

afterAll(async () => {
  await harness?.close();
  await Promise.all([us?.close(), eu?.close()]);
});

const toOpsgenie = (payload: AlertPayload, config: Record<string, unknown> = {}, key = apiKey) =>
  delivery(payload, config, { apiKey: key });

describe('opsgenie adapter', () => {
  it('creates one alert per incident: the incident id as alias, the title as message, the facts and links in the description', async () => {
    const adapter = createOpsgenieAdapter(http);
    const result = await adapter.deliver(toOpsgenie(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 202, error: null });
    const request = us.requests.at(-1);
    expect(request?.path).toBe('/v2/alerts');
    expect(request?.headers.authorization).toBe(`GenieKey ${apiKey}`);
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      message: 'DOWN: Checkout API',
      alias: incident.id,
      description: [
        'Cause: HTTP 500 from 2 of 2 regions',
        'Duration: down since 09:14:00 UTC',
        'Target: https://shop.example.com/health',
        `Details: ${dashboardUrl}/monitors/${down.monitor.id}`,
        `Acknowledge in SentinelMesh: ${ackUrl}`,
      ].join('\n'),
      entity: 'Checkout API',
      source: 'SentinelMesh',
      priority: 'P1',
      tags: ['sentinelmesh', 'down'],
      details: {
        monitorId: down.monitor.id,
        alertId: down.id,
        link: `${dashboardUrl}/monitors/${down.monitor.id}`,
        ackUrl,
      },
    });
    expect(us.alerts.get(incident.id)).toMatchObject({ status: 'open', priority: 'P1', count: 1 });
  });

  it('closes the incident’s alert by alias when the monitor is up, and acknowledges it by alias with who acknowledged', async () => {
    const adapter = createOpsgenieAdapter(http);
    const acknowledged = buildAcknowledgedAlertPayload({
      alertId: '11111111-2222-4333-8444-777777777777',
      acknowledgedAtMs: Date.parse('2026-01-05T09:15:00Z'),
      by: 'oncall@example.com',
      monitorId: down.monitor.id,
      config: httpConfig(),
      incident: { id: incident.id, opened_at: new Date(incident.openedAt), resolved_at: null },
      cause: down.cause,
    });
    const acked = await adapter.deliver(toOpsgenie(acknowledged));
    const closed = await adapter.deliver(toOpsgenie(upAlert));
    await adapter.close();
    expect([acked.statusCode, closed.statusCode]).toEqual([202, 202]);
    const [ack, close] = us.requests.slice(-2);
    expect(ack?.path).toBe(`/v2/alerts/${incident.id}/acknowledge?identifierType=alias`);
    expect(JSON.parse(ack?.body ?? '{}')).toEqual({
      source: 'SentinelMesh',
      user: 'oncall@example.com',
      note: 'Acknowledged in SentinelMesh: oncall@example.com at 09:15:00 UTC',
    });
    expect(close?.path).toBe(`/v2/alerts/${incident.id}/close?identifierType=alias`);
    expect(JSON.parse(close?.body ?? '{}')).toEqual({
      source: 'SentinelMesh',
      note: `UP: Checkout API\ndown for 3m 20s\nDetails: ${dashboardUrl}/monitors/${down.monitor.id}`,
    });
    expect(us.alerts.get(incident.id)).toMatchObject({ status: 'closed', acknowledged: true });
  });

  it('sends an EU account’s alerts to the EU API, at the channel’s priority, with a long title cut to 130 characters', async () => {
    const adapter = createOpsgenieAdapter(http);
    const long = {
      ...down,
      incident: { ...incident, id: 'eu-incident' },
      monitor: { ...down.monitor, name: 'x'.repeat(300) },
    };
    const result = await adapter.deliver(toOpsgenie(long, { region: 'eu', priority: 'P3' }));
    await adapter.close();
    expect(result.ok).toBe(true);
    expect(eu.alerts.get('eu-incident')).toMatchObject({ priority: 'P3', status: 'open' });
    expect(eu.alerts.get('eu-incident')?.message).toHaveLength(130);
    expect(us.alerts.has('eu-incident')).toBe(false);
  });

  it('takes a key Opsgenie does not know (401) as permanent, naming its message', async () => {
    const adapter = createOpsgenieAdapter(http);
    const result = await adapter.deliver(toOpsgenie(down, {}, 'another-key'));
    await adapter.close();
    expect(result).toMatchObject({
      ok: false,
      statusCode: 401,
      permanent: true,
      error: 'HTTP 401: Could not authenticate',
    });
  });

  it('takes a 429 as worth a retry', async () => {
    us.failNext({ status: 429, body: { message: 'Rate limit exceeded', took: 0, requestId: 'r' } });
    const adapter = createOpsgenieAdapter(http);
    const result = await adapter.deliver(toOpsgenie(down));
    await adapter.close();
    expect(result).toMatchObject({
      ok: false,
      statusCode: 429,
      permanent: false,
      error: 'HTTP 429: Rate limit exceeded',
    });
  });
});

describe('opsgenie deliveries through the outbox', () => {
  it('opens an alert on down, closes it on up and sends a test alert, retrying a 503 once', async () => {
    us.failNext({ status: 503, body: { message: 'Service Unavailable', took: 0, requestId: 'r' } });
    const start = us.requests.length;
    const settled = await harness.deliverDownUpAndTest(
      'opsgenie',
      { config: {}, secrets: { apiKey } },
      ackUrl,
    );
    expect(settled).toEqual([
      {
        event: 'monitor.down',
        status: 'sent',
        attempts: [
          { status_code: 503, error: 'HTTP 503: Service Unavailable' },
          { status_code: 202, error: null },
        ],
      },
      { event: 'monitor.up', status: 'sent', attempts: [{ status_code: 202, error: null }] },
      { event: 'test', status: 'sent', attempts: [{ status_code: 202, error: null }] },
    ]);
    const sent = us.requests.slice(start).filter((r) => r.status === 202);
    expect(sent.map((r) => r.path.replace(/[0-9a-f-]{36}/, '<incident>'))).toEqual([
      '/v2/alerts',
      '/v2/alerts/<incident>/close?identifierType=alias',
      '/v2/alerts',
    ]);
    const [opened, , test] = sent.map((r) => JSON.parse(r.body));
    expect(us.alerts.get(opened.alias)).toMatchObject({ status: 'closed', message: 'DOWN: Checkout API' });
    expect(test).toMatchObject({
      message: 'TEST: alerts from SentinelMesh reach this channel',
      priority: 'P5',
      alias: expect.stringMatching(/^sentinelmesh-/),
    });
  });
});
