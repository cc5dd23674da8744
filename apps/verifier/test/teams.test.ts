import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamsAdapter } from '../src/channels/teams';
import { delivery, downAlert, upAlert } from './fixtures';
import { startOutboxHarness } from './services/outbox-harness';
import { startTeamsService } from './services/teams';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const ackUrl = 'https://dash.example.com/ack/inc-1.s1gn4ture';
const down: AlertPayload = { ...downAlert, ackUrl };

let teams: Awaited<ReturnType<typeof startTeamsService>>;
let harness: Awaited<ReturnType<typeof startOutboxHarness>>;

beforeAll(async () => {
  teams = await startTeamsService();
  harness = await startOutboxHarness();
});

afterAll(async () => {
  await harness?.close();
  await teams?.close();
});

const toTeams = (payload: AlertPayload, webhookUrl = teams.webhookUrl) =>
  delivery(payload, {}, { webhookUrl });
type Card = {
  body: Array<{
    type: string;
    text?: string;
    color?: string;
    facts?: Array<{ title: string; value: string }>;
  }>;
  actions: Array<{ type: string; title: string; url: string }>;
};
const cardOf = (body: { attachments?: Array<{ content: Card }> }) => body.attachments?.[0]?.content as Card;

describe('teams adapter', () => {
  it('posts a down alert as an Adaptive Card: the title first, then cause, duration and target, with Acknowledge and Open buttons', async () => {
    const adapter = createTeamsAdapter(http);
    const result = await adapter.deliver(toTeams(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 202, error: null });
    const request = teams.requests.at(-1);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('SentinelMesh/test');
    const body = JSON.parse(request?.body ?? '{}');
    expect(body).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null }],
    });
    const card = cardOf(body);
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'DOWN: Checkout API', color: 'Attention' });
    expect(card.body[1]?.facts).toEqual([
      { title: 'Cause', value: 'HTTP 500 from 2 of 2 regions' },
      { title: 'Duration', value: 'down since 09:14:00 UTC' },
      { title: 'Target', value: 'https://shop.example.com/health' },
    ]);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Acknowledge', url: ackUrl, style: 'positive' },
      {
        type: 'Action.OpenUrl',
        title: 'Open in SentinelMesh',
        url: `${dashboardUrl}/monitors/${down.monitor.id}`,
      },
    ]);
  });

  it('says how long a recovered monitor was down, with no Acknowledge button when the alert has no link', async () => {
    const adapter = createTeamsAdapter(http);
    const result = await adapter.deliver(toTeams(upAlert));
    await adapter.close();
    expect(result.ok).toBe(true);
    const card = cardOf(JSON.parse(teams.requests.at(-1)?.body ?? '{}'));
    expect(card.body[0]).toMatchObject({ text: 'UP: Checkout API', color: 'Good' });
    expect(card.body[1]?.facts).toContainEqual({ title: 'Duration', value: 'down for 3m 20s' });
    expect(card.actions.map((a) => a.title)).toEqual(['Open in SentinelMesh']);
  });

  it('takes a throttled 429 as worth a retry, holding the channel back for its Retry-After', async () => {
    teams.failNext({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { code: 'WorkflowRequestsThrottled', message: 'Rate limit is exceeded.' } },
    });
    const adapter = createTeamsAdapter(http);
    const result = await adapter.deliver(toTeams(down));
    await adapter.close();
    expect(result).toMatchObject({
      ok: false,
      statusCode: 429,
      permanent: false,
      retryAfterMs: 7000,
      error: 'HTTP 429: WorkflowRequestsThrottled',
    });
  });

  it('takes a bad signature (401) as permanent, naming the code Teams gave and not the URL', async () => {
    const adapter = createTeamsAdapter(http);
    const wrong = teams.webhookUrl.replace(/sig=[^&]+/, 'sig=forged');
    const result = await adapter.deliver(toTeams(down, wrong));
    await adapter.close();
    expect(result).toMatchObject({
      ok: false,
      statusCode: 401,
      permanent: true,
      error: 'HTTP 401: DirectApiInvalidAuthorizationSignature',
    });
  });

  it('refuses a loopback webhook URL where private targets are not allowed, sending nothing', async () => {
    const before = teams.requests.length;
    const adapter = createTeamsAdapter({ ...http, allowPrivateTargets: false });
    const result = await adapter.deliver(toTeams(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: false, permanent: true, error: 'blocked target: non-public address' });
    expect(teams.requests).toHaveLength(before);
  });
});

describe('teams deliveries through the outbox', () => {
  it('delivers a down, an up and a test alert as cards, sending the down again after a 502', async () => {
    teams.failNext({ status: 502, body: { error: { code: 'BadGateway', message: 'upstream' } } });
    const start = teams.requests.length;
    const settled = await harness.deliverDownUpAndTest(
      'teams',
      { secrets: { webhookUrl: teams.webhookUrl } },
      ackUrl,
    );
    expect(settled).toEqual([
      {
        event: 'monitor.down',
        status: 'sent',
        attempts: [
          { status_code: 502, error: 'HTTP 502: BadGateway' },
          { status_code: 202, error: null },
        ],
      },
      { event: 'monitor.up', status: 'sent', attempts: [{ status_code: 202, error: null }] },
      { event: 'test', status: 'sent', attempts: [{ status_code: 202, error: null }] },
    ]);
    const cards = teams.requests
      .slice(start)
      .filter((r) => r.status === 202)
      .map((r) => cardOf(JSON.parse(r.body)));
    expect(cards.map((card) => card.body[0]?.text)).toEqual([
      'DOWN: Checkout API',
      'UP: Checkout API',
      'TEST: alerts from SentinelMesh reach this channel',
    ]);
    expect(cards.map((card) => card.actions.map((a) => a.title))).toEqual([
      ['Acknowledge', 'Open in SentinelMesh'],
      ['Open in SentinelMesh'],
      ['Open in SentinelMesh'],
    ]);
  });
});
