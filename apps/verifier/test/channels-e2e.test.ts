import type { IncomingHttpHeaders } from 'node:http';
import type { AlertEvent, ChannelTypeName } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGoogleChatServer,
  startMatrixServer,
  startMattermostServer,
  startRocketChatServer,
  startTwilioServer,
} from './chat-receivers';
import { startFakeService, type TakenRequest } from './fake-service';
import { type ProcessStack, startProcessStack } from './process-stack';
import { startDiscordReceiver } from './receivers';
import { waitFor } from './scenario';
import { startGotifyService } from './services/gotify';
import { startNtfyService } from './services/ntfy';
import { startOpsgenieService } from './services/opsgenie';
import { startPushoverService } from './services/pushover';
import { startTeamsService } from './services/teams';
import { startTelegramService } from './services/telegram';

/**
 * Every newer channel type end to end: created through the API process, its test message sent
 * through `POST /v1/channels/:id/test`, then a monitor on it going DOWN and UP through a real
 * verifier process, each message landing at a local receiver that speaks the service's API.
 */

const dashboardUrl = 'https://dash.example.com';

/** One request a receiver accepted, whatever the receiver keeps. */
interface Hit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a delivered message is checked against. */
interface Expected {
  kind: 'test' | 'down' | 'up';
  /** The title every format carries: `DOWN: <monitor>`, `UP: <monitor>`, the test's. */
  title: string;
  incidentId: string | null;
  alertId: string;
  /** The down alert's acknowledge link; null for the up and the test message. */
  ackUrl: string | null;
}

interface ChannelCase {
  type: ChannelTypeName;
  settings: () => Record<string, unknown>;
  hits: () => Hit[];
  check: (hit: Hit, expected: Expected) => void;
}

const json = (hit: Hit) => JSON.parse(hit.body);
const form = (hit: Hit) => Object.fromEntries(new URLSearchParams(hit.body));
/** The body mentions the acknowledge link exactly when the alert has one. */
const expectAckLink = (text: string, expected: Expected) => {
  if (expected.ackUrl) expect(text).toContain(expected.ackUrl);
  else expect(text).not.toContain('/v1/ack/');
};

/** Mattermost and Rocket.Chat take the same incoming-webhook body: Markdown `text` and one attachment. */
const slackStyle = (type: ChannelTypeName, webhookUrl: string, hits: () => Hit[]): ChannelCase => ({
  type,
  settings: () => ({ webhookUrl }),
  hits,
  check: (hit, expected) => {
    const body = json(hit);
    expect(body.text).toContain(expected.title);
    expect(body.attachments[0].title).toBe(expected.title);
    expectAckLink(body.text, expected);
  },
});

const telegramToken = '123456789:AAE_0123456789abcdefghijklmnopqrstu';
const pushoverKeys = { userKey: 'u'.repeat(30), appToken: 'a'.repeat(30) };
const twilio = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'twilio-auth-token' };
const matrixToken = 'syt_bot_token';
const opsgenieKey = 'genie-key-0123';
const gotifyToken = 'AbCdEf.gotify';
const template =
  '{"summary":"{{title}}","event":"{{event}}"{{#incident}},"incident":"{{id}}"{{/incident}}{{#ackUrl}},"ack":"{{ackUrl}}"{{/ackUrl}},"down":{{isDown}}}';

let stack: ProcessStack;
let token: string;
const services: Array<{ close(): Promise<void> }> = [];
const cases: ChannelCase[] = [];

async function started<T extends { close(): Promise<void> }>(service: Promise<T>): Promise<T> {
  const running = await service;
  services.push(running);
  return running;
}

beforeAll(async () => {
  const discord = await started(startDiscordReceiver());
  const teams = await started(startTeamsService());
  const telegram = await started(startTelegramService(telegramToken, ['-1001234567890']));
  const opsgenie = await started(startOpsgenieService(opsgenieKey));
  const ntfy = await started(startNtfyService({ basePath: '/ntfy' }));
  const pushover = await started(startPushoverService(pushoverKeys.appToken, [pushoverKeys.userKey]));
  const gotify = await started(startGotifyService(gotifyToken, '/gotify'));
  const matrix = await started(startMatrixServer({ token: matrixToken, joinedRooms: ['!ops:example.org'] }));
  const mattermost = await started(startMattermostServer(['abc123key']));
  const rocket = await started(startRocketChatServer({ integ1: 'tok3n' }));
  const googleChat = await started(startGoogleChatServer({ space: 'AAAA', token: 'TOKEN1' }));
  const sms = await started(startTwilioServer(twilio));
  const custom = await started(
    startFakeService((r) =>
      r.headers.authorization === 'Bearer s3cret'
        ? { status: 202, body: { accepted: true } }
        : { status: 401, body: { error: 'unauthorized' } },
    ),
  );
  const taken = (service: { accepted: TakenRequest[] }) => () =>
    service.accepted.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.rawBody }));
  const served = (service: { accepted: () => Hit[] }) => () => service.accepted();

  cases.push(
    {
      type: 'discord',
      settings: () => ({ webhookUrl: discord.webhookUrl('112233') }),
      hits: () =>
        discord.messages.map((m) => ({
          method: 'POST',
          path: m.path,
          headers: {},
          body: JSON.stringify(m.body),
        })),
      check: (hit, expected) => {
        const body = json(hit);
        expect(hit.path).toBe('/api/webhooks/112233/tOkEn-abc_123');
        expect(body).toMatchObject({
          username: 'SentinelMesh',
          content: expected.title,
          embeds: [{ title: expected.title }],
          allowed_mentions: { parse: [] },
        });
        const fields = body.embeds[0].fields as Array<{ name: string; value: string }>;
        expect(fields.find((f) => f.name === 'Acknowledge')?.value).toBe(
          expected.ackUrl ? `[Acknowledge this incident](${expected.ackUrl})` : undefined,
        );
      },
    },
    {
      type: 'teams',
      settings: () => ({ webhookUrl: teams.webhookUrl }),
      hits: served(teams),
      check: (hit, expected) => {
        const body = json(hit);
        expect(body).toMatchObject({
          type: 'message',
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }],
        });
        const card = body.attachments[0].content;
        expect(card.type).toBe('AdaptiveCard');
        expect(card.body[0]).toMatchObject({
          type: 'TextBlock',
          text: expected.title,
          ...(expected.kind === 'down'
            ? { color: 'Attention' }
            : expected.kind === 'up'
              ? { color: 'Good' }
              : {}),
        });
        const actions = card.actions as Array<{ title: string; url: string }>;
        expect(actions.find((a) => a.title === 'Acknowledge')?.url).toBe(expected.ackUrl ?? undefined);
      },
    },
    {
      type: 'telegram',
      settings: () => ({ chatId: '-1001234567890', botToken: telegramToken }),
      hits: served(telegram),
      check: (hit, expected) => {
        const body = json(hit);
        expect(hit.path).toBe(`/bot${telegramToken}/sendMessage`);
        expect(body).toMatchObject({ chat_id: '-1001234567890', parse_mode: 'HTML' });
        expect(body.text).toContain(`<b>${expected.title}</b>`);
        const buttons = body.reply_markup.inline_keyboard.flat() as Array<{ text: string; url: string }>;
        expect(buttons.find((b) => b.text.includes('Acknowledge'))?.url).toBe(expected.ackUrl ?? undefined);
      },
    },
    {
      type: 'opsgenie',
      settings: () => ({ apiKey: opsgenieKey, region: 'us' }),
      hits: served(opsgenie),
      check: (hit, expected) => {
        const body = json(hit);
        expect(hit.headers.authorization).toBe(`GenieKey ${opsgenieKey}`);
        if (expected.kind === 'up') {
          // The recovery closes the incident's Opsgenie alert, found by its alias.
          expect(hit.path).toBe(`/v2/alerts/${expected.incidentId}/close?identifierType=alias`);
          expect(body.source).toBe('SentinelMesh');
          expect(opsgenie.alerts.get(expected.incidentId ?? '')?.status).toBe('closed');
          return;
        }
        expect(hit.path).toBe('/v2/alerts');
        expect(body).toMatchObject({
          message: expected.title,
          alias: expected.incidentId ?? `sentinelmesh-${expected.alertId}`,
          priority: expected.kind === 'down' ? 'P1' : 'P5',
          details: { alertId: expected.alertId },
        });
        expect(body.details.ackUrl).toBe(expected.ackUrl ?? undefined);
      },
    },
    {
      type: 'ntfy',
      settings: () => ({ serverUrl: `${ntfy.url}/ntfy`, topic: 'ops-e2e' }),
      hits: served(ntfy),
      check: (hit, expected) => {
        const body = json(hit);
        expect(body).toMatchObject({ topic: 'ops-e2e', title: expected.title });
        expect(body.priority).toBe(expected.kind === 'down' ? 4 : 3);
        const actions = body.actions as Array<{ label: string; url: string }>;
        expect(actions.find((a) => a.label === 'Acknowledge')?.url).toBe(expected.ackUrl ?? undefined);
      },
    },
    {
      type: 'pushover',
      settings: () => ({ ...pushoverKeys }),
      hits: served(pushover),
      check: (hit, expected) => {
        const fields = form(hit);
        expect(fields).toMatchObject({ token: pushoverKeys.appToken, user: pushoverKeys.userKey });
        expect(fields.title).toBe(expected.title);
        expect(fields.priority).toBe(expected.kind === 'down' ? '1' : '0');
        if (expected.ackUrl) expect(fields).toMatchObject({ url: expected.ackUrl, url_title: 'Acknowledge' });
        else expect(fields.url_title).toBe('Open in SentinelMesh');
      },
    },
    {
      type: 'gotify',
      settings: () => ({ serverUrl: `${gotify.url}/gotify/`, appToken: gotifyToken }),
      hits: served(gotify),
      check: (hit, expected) => {
        const body = json(hit);
        expect(hit.headers['x-gotify-key']).toBe(gotifyToken);
        expect(body.title).toBe(expected.title);
        expect(body.priority).toBe(expected.kind === 'down' ? 8 : 5);
        expect(body.extras['client::display']).toEqual({ contentType: 'text/markdown' });
        expectAckLink(body.message, expected);
      },
    },
    {
      type: 'matrix',
      settings: () => ({
        homeserverUrl: matrix.origin,
        roomId: '!ops:example.org',
        accessToken: matrixToken,
      }),
      hits: taken(matrix),
      check: (hit, expected) => {
        const body = json(hit);
        // The alert id is the transaction id: a retried delivery is one event.
        expect(hit.method).toBe('PUT');
        expect(hit.path).toBe(
          `/_matrix/client/v3/rooms/${encodeURIComponent('!ops:example.org')}/send/m.room.message/${expected.alertId}`,
        );
        expect(body).toMatchObject({ msgtype: 'm.text', format: 'org.matrix.custom.html' });
        expect(body.body).toContain(expected.title);
        expectAckLink(body.formatted_body, expected);
      },
    },
    slackStyle('mattermost', `${mattermost.origin}/hooks/abc123key`, taken(mattermost)),
    slackStyle('rocketchat', `${rocket.origin}/hooks/integ1/tok3n`, taken(rocket)),
    {
      type: 'google-chat',
      settings: () => ({ webhookUrl: `${googleChat.origin}/v1/spaces/AAAA/messages?key=KEY1&token=TOKEN1` }),
      hits: taken(googleChat),
      check: (hit, expected) => {
        const body = json(hit);
        expect(body.text).toContain(expected.title);
        expect(body.cardsV2[0].card.header.title).toBe(expected.title);
        const buttons = body.cardsV2[0].card.sections[0].widgets.at(-1).buttonList.buttons as Array<{
          text: string;
          onClick: { openLink: { url: string } };
        }>;
        expect(buttons.find((b) => b.text === 'Acknowledge')?.onClick.openLink.url).toBe(
          expected.ackUrl ?? undefined,
        );
        // Every message of one incident goes to one thread.
        if (expected.incidentId) expect(body.thread.threadKey).toContain(expected.incidentId);
      },
    },
    {
      type: 'twilio-sms',
      settings: () => ({ to: '+14155550123', from: '+14155550100', ...twilio }),
      hits: taken(sms),
      check: (hit, expected) => {
        const fields = form(hit);
        expect(hit.path).toBe(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
        expect(hit.headers.authorization).toBe(
          `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`,
        );
        expect(fields).toMatchObject({ To: '+14155550123', From: '+14155550100' });
        expect(fields.Body).toContain(expected.kind === 'test' ? 'TEST' : expected.title);
        expectAckLink(fields.Body ?? '', expected);
      },
    },
    {
      type: 'custom-webhook',
      settings: () => ({
        url: `${custom.origin}/in`,
        bodyTemplate: template,
        headers: { Authorization: 'Bearer s3cret' },
      }),
      hits: taken(custom),
      check: (hit, expected) => {
        expect(hit.headers['idempotency-key']).toBe(expected.alertId);
        expect(json(hit)).toEqual({
          summary: expected.title,
          event: { test: 'test', down: 'monitor.down', up: 'monitor.up' }[expected.kind],
          ...(expected.incidentId ? { incident: expected.incidentId } : {}),
          ...(expected.ackUrl ? { ack: expected.ackUrl } : {}),
          down: expected.kind === 'down',
        });
      },
    },
  );

  stack = await startProcessStack({
    apiEnv: { ALLOW_PRIVATE_TARGETS: 'true', MAX_TEST_ALERTS_PER_MINUTE: '0' },
  });
  const verifier = stack.startVerifier({
    DASHBOARD_URL: dashboardUrl,
    TELEGRAM_API_URL: telegram.url,
    OPSGENIE_API_URL: opsgenie.url,
    PUSHOVER_API_URL: pushover.url,
    TWILIO_API_URL: sms.origin,
  });
  await verifier.listeningPort(60_000);
  const signup = await fetch(`${stack.apiUrl}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'oncall@example.com',
      password: 'correct horse battery',
      organizationName: 'Channels E2E',
    }),
  });
  expect(signup.status, await signup.clone().text()).toBe(201);
  token = ((await signup.json()) as { accessToken: string }).accessToken;
}, 120_000);

afterAll(async () => {
  await stack?.close();
  for (const service of services) await service.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The channel's alert of `event`, as the outbox holds it (its id and payload). */
async function alertOf(channelId: string, event: AlertEvent) {
  return stack.tdb.db
    .selectFrom('alerts')
    .select(['id', 'incident_id', 'payload'])
    .where('channel_id', '=', channelId)
    .where('event', '=', event)
    .executeTakeFirstOrThrow();
}

/** What a message of `alert` (as the outbox holds it) must show. */
const expected = (
  kind: Expected['kind'],
  title: string,
  alert: Awaited<ReturnType<typeof alertOf>>,
): Expected => ({
  kind,
  title,
  incidentId: alert.incident_id,
  alertId: alert.id,
  ackUrl: alert.payload.ackUrl ?? null,
});

const TYPES: ChannelTypeName[] = [
  'discord',
  'teams',
  'telegram',
  'opsgenie',
  'ntfy',
  'pushover',
  'gotify',
  'matrix',
  'mattermost',
  'rocketchat',
  'google-chat',
  'twilio-sms',
  'custom-webhook',
];

describe('every newer channel type, end to end through the API and a real verifier', () => {
  it.each(TYPES)(
    '%s: the test message, then a down and an up alert, each in the service’s format',
    async (type) => {
      const spec = cases.find((c) => c.type === type);
      if (!spec) throw new Error(`no case for ${type}`);
      const created = await call('POST', '/v1/channels', {
        type,
        name: `${type} e2e`,
        config: spec.settings(),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const channelId = created.body.id as string;

      // The test button: the API queues it, the verifier's notifier delivers it, the API reports it.
      const tested = await call('POST', `/v1/channels/${channelId}/test`);
      expect(tested.status, JSON.stringify(tested.body)).toBe(202);
      expect(tested.body.outcome).toMatchObject({ delivered: true });
      expect(spec.hits()).toHaveLength(1);
      const test = await alertOf(channelId, 'test');
      spec.check(
        spec.hits()[0] as Hit,
        expected('test', 'TEST: alerts from SentinelMesh reach this channel', test),
      );

      const monitorName = `Checkout ${type}`;
      const monitor = await call('POST', '/v1/monitors', {
        name: monitorName,
        type: 'http',
        url: 'https://shop.example.com/health',
        intervalSeconds: 10,
        timeoutMs: 2_000,
        channelIds: [channelId],
      });
      expect(monitor.status, JSON.stringify(monitor.body)).toBe(201);
      const monitorId = monitor.body.id as string;
      const orgId = (
        await stack.tdb.db
          .selectFrom('monitors')
          .select('org_id')
          .where('id', '=', monitorId)
          .executeTakeFirstOrThrow()
      ).org_id;

      await stack.goDown(orgId, monitorId);
      await waitFor(() => spec.hits().length === 2, 30_000, `${type}: the down alert`);
      const down = await alertOf(channelId, 'monitor.down');
      expect(down.payload.ackUrl).toMatch(new RegExp(`^${stack.apiUrl}/v1/ack/`));
      spec.check(spec.hits()[1] as Hit, expected('down', `DOWN: ${monitorName}`, down));

      await stack.goUp(orgId, monitorId);
      await waitFor(() => spec.hits().length === 3, 30_000, `${type}: the up alert`);
      const up = await alertOf(channelId, 'monitor.up');
      expect(up.incident_id).toBe(down.incident_id);
      // A resolved incident has nothing left to acknowledge.
      expect(up.payload.ackUrl).toBeUndefined();
      spec.check(spec.hits()[2] as Hit, expected('up', `UP: ${monitorName}`, up));
      // Each delivered once, and the delivery log says so (once the notifier has recorded the answer).
      const log = async () =>
        (
          (await call('GET', `/v1/alerts?monitorId=${monitorId}`)).body.items as Array<{
            event: string;
            status: string;
          }>
        ).map((a) => [a.event, a.status]);
      await waitFor(
        async () => (await log()).every(([, status]) => status !== 'pending'),
        30_000,
        `${type}: the deliveries to be recorded`,
      );
      expect(await log()).toEqual([
        ['monitor.up', 'sent'],
        ['monitor.down', 'sent'],
      ]);
      expect(spec.hits()).toHaveLength(3);
    },
    90_000,
  );
});
