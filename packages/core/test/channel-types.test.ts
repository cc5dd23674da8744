import { describe, expect, it } from 'vitest';
import {
  type ChannelSettings,
  type ChannelTypeName,
  channelType,
  channelTypeNames,
  channelView,
} from '../src/channels';

/** Settings of every registered type, each secret value containing `SECRET` so a leak is visible. */
const examples: { [T in ChannelTypeName]: ChannelSettings<T> } = {
  webhook: {
    url: 'https://hooks.example.com/in',
    secret: 'SECRET-current-0001',
    previousSecret: 'SECRET-previous-002',
  },
  slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/SECRETabcd' },
  email: { to: ['oncall@example.com'] },
  pagerduty: { routingKey: 'SECRETROUTINGKEY1234' },
  discord: { webhookUrl: 'https://discord.com/api/webhooks/123/SECRETtokenWXYZ' },
  teams: {
    webhookUrl:
      'https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=SECRETsig1234',
  },
  telegram: { chatId: '-1001234567890', botToken: '123456789:AAE-SECRET_0123456789abcdefghijklmnop' },
  opsgenie: { apiKey: 'SECRET-0123-4567-89ab-cdef', region: 'eu', priority: 'P2' },
  ntfy: {
    serverUrl: 'https://ntfy.example.com',
    topic: 'SECRET-topic-42',
    accessToken: 'tk_SECRETtoken42',
    username: 'phil',
    password: 'SECRET-password',
    priority: 'max',
  },
  pushover: {
    userKey: 'uSECRETxxxxxxxxxxxxxxxxxxxxxxx',
    appToken: 'aSECRETxxxxxxxxxxxxxxxxxxxxxxx',
    device: 'phone,tablet',
    priority: 'emergency',
  },
  gotify: { serverUrl: 'https://push.example.com/gotify', appToken: 'ASECRETtoken.1', priority: 'low' },
  matrix: {
    homeserverUrl: 'https://matrix.example.org',
    roomId: '!AbCdEf123:example.org',
    accessToken: 'syt_SECRET_token_1234',
  },
  mattermost: { webhookUrl: 'https://mattermost.example.com/hooks/SECRETkey1234' },
  rocketchat: { webhookUrl: 'https://chat.example.com/hooks/abc123/SECRETtoken1234' },
  'google-chat': {
    webhookUrl: 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=SECRETkey&token=SECRETtok',
  },
  'twilio-sms': {
    accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
    authToken: 'SECRETauthtoken0001',
    from: '+14155550100',
    to: '+14155550123',
  },
  'custom-webhook': {
    url: 'https://hooks.example.com/in?token=SECRETtoken',
    method: 'PUT',
    contentType: 'application/json',
    bodyTemplate: '{"text":"{{title}}"}',
    headers: { Authorization: 'Bearer SECRET-bearer', Accept: 'application/json' },
  },
};

const stored = (name: ChannelTypeName) => {
  const type = channelType(name);
  return type.split(type.settings.parse(examples[name]));
};

describe.each(channelTypeNames)('the %s channel type', (name) => {
  const type = channelType(name);

  it('accepts its example settings and refuses a field of no type', () => {
    expect(type.settings.safeParse(examples[name]).success).toBe(true);
    expect(type.settings.safeParse({ ...examples[name], carrierPigeon: true }).success).toBe(false);
  });

  it('splits settings into parts that its stored schemas read back unchanged', () => {
    const parts = stored(name);
    expect(type.config.parse(parts.config)).toEqual(parts.config);
    if (type.secrets) expect(type.secrets.parse(parts.secrets)).toEqual(parts.secrets);
    else expect(parts.secrets).toBeNull();
  });

  it('keeps every setting: the parts together are the settings', () => {
    expect({ ...stored(name).config, ...stored(name).secrets }).toEqual(type.settings.parse(examples[name]));
  });

  it('shows no secret in a read response, and a view its response schema accepts', () => {
    const view = channelView(name, stored(name), 'read');
    expect(JSON.stringify(view)).not.toContain('SECRET');
    expect(type.view.safeParse(view).success).toBe(true);
  });

  it('masks without failing when the secrets cannot be opened or the config is not what it stores', () => {
    const view = channelView(name, { config: { junk: 1 }, secrets: null }, 'read');
    expect(type.view.safeParse(view).success).toBe(true);
  });

  it('asks the dashboard for settings it has, required exactly where the API requires them', () => {
    const keys = Object.keys(type.settings.shape);
    for (const field of type.fields) expect(keys).toContain(field.name);
    for (const field of type.targetFields) expect(keys).toContain(field);
    const required = keys.filter((key) => !type.settings.shape[key]?.safeParse(undefined).success);
    expect(type.fields.filter((f) => !f.optional).map((f) => f.name)).toEqual(required);
  });
});

describe('the webhook channel type', () => {
  const webhook = channelType('webhook');

  it('generates a signing secret when none is given and shows it in full only in the create response', () => {
    const settings = webhook.complete?.({ url: 'https://h.example.com' }, () => 'whsec_generated_1234');
    expect(settings).toEqual({ url: 'https://h.example.com', secret: 'whsec_generated_1234' });
    const parts = webhook.split(settings ?? {});
    expect(channelView('webhook', parts, 'created')).toEqual({
      url: 'https://h.example.com',
      secret: 'whsec_generated_1234',
    });
    expect(channelView('webhook', parts, 'read')).toEqual({
      url: 'https://h.example.com',
      secret: 'whsec_…1234',
    });
  });

  it('keeps a given secret, and drops the previous one when it is set to null', () => {
    const given = { url: 'https://h.example.com', secret: 'mine-0123456789abc', previousSecret: null };
    expect(webhook.complete?.(given, () => 'unused')).toBe(given);
    expect(webhook.split(given).secrets).toEqual({ secret: 'mine-0123456789abc' });
  });
});
