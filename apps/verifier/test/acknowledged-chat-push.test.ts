import { type AlertPayload, buildAcknowledgedAlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGotifyAdapter } from '../src/channels/gotify';
import { createNtfyAdapter } from '../src/channels/ntfy';
import { createPushoverAdapter } from '../src/channels/pushover';
import { createTeamsAdapter } from '../src/channels/teams';
import { createTelegramAdapter } from '../src/channels/telegram';
import { delivery, downAlert, httpConfig, incident } from './fixtures';
import { startGotifyService } from './services/gotify';
import { startNtfyService } from './services/ntfy';
import { startPushoverService } from './services/pushover';
import { startTeamsService } from './services/teams';
import { startTelegramService } from './services/telegram';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const incidentLink = `${dashboardUrl}/incidents/${incident.id}`;
const token = '123456789:AAE-secretToken_0123456789abcdefghij';
const appToken = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const userKey = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

/** `downAlert`'s incident, acknowledged a minute after it opened. */
const ack: AlertPayload = buildAcknowledgedAlertPayload({
  alertId: '11111111-2222-4333-8444-777777777777',
  acknowledgedAtMs: Date.parse('2026-01-05T09:15:00Z'),
  by: 'oncall@example.com',
  monitorId: downAlert.monitor.id,
  config: httpConfig(),
  incident: { id: incident.id, opened_at: new Date(incident.openedAt), resolved_at: null },
  cause: downAlert.cause,
});

let teams: Awaited<ReturnType<typeof startTeamsService>>;
let telegram: Awaited<ReturnType<typeof startTelegramService>>;
let ntfy: Awaited<ReturnType<typeof startNtfyService>>;
let pushover: Awaited<ReturnType<typeof startPushoverService>>;
let gotify: Awaited<ReturnType<typeof startGotifyService>>;

beforeAll(async () => {
  [teams, telegram, ntfy, pushover, gotify] = await Promise.all([
    startTeamsService(),
    startTelegramService(token, ['42']),
    startNtfyService({}),
    startPushoverService(appToken, [userKey]),
    startGotifyService('gotify-token'),
  ]);
});

afterAll(async () => {
  await Promise.all([teams?.close(), telegram?.close(), ntfy?.close(), pushover?.close(), gotify?.close()]);
});

describe('Teams, Telegram, ntfy, Pushover and Gotify render an acknowledgement', () => {
  it('teams: ACKNOWLEDGED, by whom, and a button to the incident', async () => {
    const adapter = createTeamsAdapter(http);
    expect((await adapter.deliver(delivery(ack, {}, { webhookUrl: teams.webhookUrl }))).statusCode).toBe(202);
    await adapter.close();
    const body = teams.requests.at(-1)?.body ?? '';
    expect(body).toContain('"text":"ACKNOWLEDGED: Checkout API"');
    expect(body).toContain('{"title":"Acknowledged by","value":"oncall@example.com at 09:15:00 UTC"}');
    expect(body).toContain(`"url":"${incidentLink}"`);
    expect(body).not.toContain('"title":"Acknowledge"');
  });

  it('telegram: ACKNOWLEDGED, by whom, and a button to the incident', async () => {
    const adapter = createTelegramAdapter({ ...http, apiUrl: telegram.url });
    expect((await adapter.deliver(delivery(ack, { chatId: '42' }, { botToken: token }))).statusCode).toBe(
      200,
    );
    await adapter.close();
    const body = JSON.parse(telegram.requests.at(-1)?.body ?? '{}');
    expect(body.text).toContain('👀 <b>ACKNOWLEDGED: Checkout API</b>');
    expect(body.text).toContain('Acknowledged by: oncall@example.com at 09:15:00 UTC');
    expect(body.reply_markup.inline_keyboard).toEqual([
      [{ text: 'Open in SentinelMesh', url: incidentLink }],
    ]);
  });

  it('ntfy: ACKNOWLEDGED at default priority, by whom, a tap opening the incident', async () => {
    const adapter = createNtfyAdapter(http);
    const result = await adapter.deliver(delivery(ack, { serverUrl: ntfy.url }, { topic: 'acks' }));
    await adapter.close();
    expect(result.statusCode).toBe(200);
    expect(ntfy.messages().at(-1)).toMatchObject({
      title: 'ACKNOWLEDGED: Checkout API',
      priority: 3,
      click: incidentLink,
      message: expect.stringContaining('Acknowledged by: oncall@example.com at 09:15:00 UTC'),
    });
  });

  it('pushover: ACKNOWLEDGED at normal priority, by whom, linking to the incident', async () => {
    const adapter = createPushoverAdapter({ ...http, apiUrl: pushover.url });
    expect((await adapter.deliver(delivery(ack, {}, { userKey, appToken }))).statusCode).toBe(200);
    await adapter.close();
    expect(pushover.messages().at(-1)).toMatchObject({
      title: 'ACKNOWLEDGED: Checkout API',
      priority: '0',
      url: incidentLink,
      message: expect.stringContaining('<b>Acknowledged by:</b> oncall@example.com at 09:15:00 UTC'),
    });
  });

  it('gotify: ACKNOWLEDGED at default priority, by whom, linking to the incident', async () => {
    const adapter = createGotifyAdapter(http);
    const result = await adapter.deliver(
      delivery(ack, { serverUrl: gotify.url }, { appToken: 'gotify-token' }),
    );
    await adapter.close();
    expect(result.statusCode).toBe(200);
    const message = gotify.messages().at(-1);
    expect(message).toMatchObject({ title: 'ACKNOWLEDGED: Checkout API', priority: 5 });
    expect(message?.message).toContain('**Acknowledged by:** oncall@example\\.com at 09:15:00 UTC');
    expect(message?.message).toContain(`[Open in SentinelMesh](<${incidentLink}>)`);
  });
});
