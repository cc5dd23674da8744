import { channelType, isChannelTypeName } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { type ImportResult, importGatus, importKuma } from '../../src/import';

/**
 * Channel types that other parts of SentinelMesh add. Until a type is registered, an import reports
 * its channels as unavailable; once it is, they are written and must fit its settings.
 */
const upcoming: Array<{
  type: string;
  kuma: Record<string, unknown>;
  gatus: [string, Record<string, unknown>];
}> = [
  {
    type: 'teams',
    kuma: {
      type: 'teams',
      webhookUrl: 'https://prod-1.westus.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=s1',
    },
    gatus: ['teams-workflows', { 'webhook-url': 'https://prod-1.westus.logic.azure.com/workflows/y?sig=s2' }],
  },
  {
    type: 'telegram',
    kuma: { type: 'telegram', telegramBotToken: '123456:token-a', telegramChatID: '-1001' },
    gatus: ['telegram', { token: '123456:token-b', id: '-1002' }],
  },
  {
    type: 'opsgenie',
    kuma: { type: 'Opsgenie', opsgenieApiKey: '00000000-0000-0000-0000-00000000000a', opsgenieRegion: 'eu' },
    gatus: ['opsgenie', { 'api-key': '00000000-0000-0000-0000-00000000000b' }],
  },
  {
    type: 'ntfy',
    kuma: {
      type: 'ntfy',
      ntfyserverurl: 'https://ntfy.example.com',
      ntfytopic: 'alerts',
      ntfyAuthenticationMethod: 'accessToken',
      ntfyaccesstoken: 'tk_a',
    },
    gatus: ['ntfy', { url: 'https://ntfy.example.com', topic: 'alerts', token: 'tk_b' }],
  },
  {
    type: 'pushover',
    kuma: { type: 'pushover', pushoverapptoken: 'app-token-a', pushoveruserkey: 'user-key-a' },
    gatus: ['pushover', { 'application-token': 'app-token-b', 'user-key': 'user-key-b' }],
  },
  {
    type: 'gotify',
    kuma: {
      type: 'gotify',
      gotifyserverurl: 'https://gotify.example.com',
      gotifyapplicationToken: 'gotify-a',
    },
    gatus: ['gotify', { 'server-url': 'https://gotify.example.com', token: 'gotify-b' }],
  },
  {
    type: 'matrix',
    kuma: {
      type: 'matrix',
      homeserverUrl: 'https://matrix.example.com',
      internalRoomId: '!room-a:example.com',
      accessToken: 'syt_a',
    },
    gatus: [
      'matrix',
      {
        'server-url': 'https://matrix.example.com',
        'internal-room-id': '!room-b:example.com',
        'access-token': 'syt_b',
      },
    ],
  },
  {
    type: 'mattermost',
    kuma: { type: 'mattermost', mattermostWebhookUrl: 'https://chat.example.com/hooks/a' },
    gatus: ['mattermost', { 'webhook-url': 'https://chat.example.com/hooks/b' }],
  },
  {
    type: 'rocketchat',
    kuma: { type: 'rocket.chat', rocketwebhookURL: 'https://rocket.example.com/hooks/a/b' },
    gatus: ['rocketchat', { 'webhook-url': 'https://rocket.example.com/hooks/c/d' }],
  },
  {
    type: 'google-chat',
    kuma: {
      type: 'GoogleChat',
      googleChatWebhookURL: 'https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t',
    },
    gatus: [
      'googlechat',
      { 'webhook-url': 'https://chat.googleapis.com/v1/spaces/B/messages?key=k&token=t' },
    ],
  },
  {
    type: 'twilio-sms',
    kuma: {
      type: 'twilio',
      twilioAccountSID: 'AC00000000000000000000000000000001',
      twilioAuthToken: 'twilio-token-a',
      twilioFromNumber: '+15550100',
      twilioToNumber: '+15550101',
    },
    gatus: [
      'twilio',
      {
        sid: 'AC00000000000000000000000000000002',
        token: 'twilio-token-b',
        from: '+15550102',
        to: '+15550103',
      },
    ],
  },
];

const kumaBackup = (notification: Record<string, unknown>) => ({
  version: '1.23.16',
  notificationList: [
    { id: 1, name: 'Upcoming', active: 1, is_default: 0, config: JSON.stringify(notification) },
  ],
  monitorList: [],
});

const gatusConfig = ([provider, settings]: [string, Record<string, unknown>]) =>
  stringify({
    alerting: { [provider]: settings },
    endpoints: [
      {
        name: 'site',
        url: 'https://example.com',
        conditions: ['[STATUS] == 200'],
        alerts: [{ type: provider }],
      },
    ],
  });

/** The type's settings with each sealed setting as an `${ENV}` reference, as a file holds them. */
function fileSettings(type: string) {
  if (!isChannelTypeName(type)) throw new Error(`${type} is not registered`);
  const { settings, secrets } = channelType(type);
  const sealed = secrets && 'shape' in secrets ? Object.keys((secrets as z.ZodObject).shape) : [];
  const reference = z.string().regex(/^\$\{[A-Z0-9_]+\}$/);
  return settings.extend(
    Object.fromEntries(
      sealed.map((name) => [
        name,
        settings.shape[name]?.safeParse(undefined).success ? reference.optional() : reference,
      ]),
    ),
  );
}

function expectImported(type: string, result: ImportResult, item: string) {
  const channels = result.document.channels.filter((c) => c.type === type);
  if (isChannelTypeName(type)) {
    expect(channels, `${type} is registered, so its channel is written`).toHaveLength(1);
    const parsed = fileSettings(type).safeParse(channels[0]?.config);
    expect(parsed.success, parsed.error?.message).toBe(true);
  } else {
    expect(channels).toEqual([]);
    expect(result.report).toContainEqual({
      source: expect.any(String),
      item,
      reason: `channel type ${type} is not available in this SentinelMesh version; it is imported once it is`,
    });
  }
}

describe('channel types added elsewhere', () => {
  it.each(upcoming)(
    'maps a Kuma notification to $type, written once the type is registered',
    ({ type, kuma }) => {
      expectImported(type, importKuma(kumaBackup(kuma)), 'notification "Upcoming" (id 1)');
    },
  );

  it.each(upcoming)(
    'maps a Gatus provider to $type, linked once the type is registered',
    ({ type, gatus }) => {
      const result = importGatus(gatusConfig(gatus));
      expectImported(type, result, `alerting provider ${gatus[0]}`);
      const [site] = result.document.monitors;
      expect(site?.channels).toEqual(isChannelTypeName(type) ? [result.document.channels[0]?.key] : []);
    },
  );
});
