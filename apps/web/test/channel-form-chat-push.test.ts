import { channelTypes } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import {
  channelDestination,
  channelFields,
  channelFormValues,
  channelSettings,
  isSecretField,
} from '../src/components/channel-config';

describe('the channel form for Teams, Telegram, Opsgenie, ntfy, Pushover and Gotify', () => {
  it.each([
    [
      'teams',
      {
        webhookUrl: ' https://prod-01.westus.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=x ',
      },
      { webhookUrl: 'https://prod-01.westus.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=x' },
    ],
    [
      'telegram',
      { chatId: '-100123', botToken: '123456789:AAE-0123456789abcdefghijklmnopqrstu' },
      { chatId: '-100123', botToken: '123456789:AAE-0123456789abcdefghijklmnopqrstu' },
    ],
    ['opsgenie', { apiKey: 'key', region: '', priority: 'P2' }, { apiKey: 'key', priority: 'P2' }],
    [
      'ntfy',
      { serverUrl: '', topic: 'sentinel-k3x9', accessToken: '', username: '', password: '', priority: '' },
      { topic: 'sentinel-k3x9' },
    ],
    [
      'pushover',
      { userKey: 'u'.repeat(30), appToken: 'a'.repeat(30), device: '', priority: 'emergency' },
      { userKey: 'u'.repeat(30), appToken: 'a'.repeat(30), priority: 'emergency' },
    ],
    [
      'gotify',
      { serverUrl: 'https://push.example.com', appToken: 'tok', priority: '' },
      { serverUrl: 'https://push.example.com', appToken: 'tok' },
    ],
  ] as const)(
    'sends %s settings the API accepts, leaving empty optional ones out: %j',
    (type, values, expected) => {
      const settings = channelSettings(type, values);
      expect(settings).toEqual(expected);
      expect(channelTypes[type].settings.safeParse(settings).success).toBe(true);
    },
  );

  it('hides tokens, keys and the ntfy topic as passwords, and never fills them in when editing', () => {
    for (const [type, name] of [
      ['telegram', 'botToken'],
      ['opsgenie', 'apiKey'],
      ['ntfy', 'topic'],
      ['ntfy', 'accessToken'],
      ['ntfy', 'password'],
      ['pushover', 'userKey'],
      ['pushover', 'appToken'],
      ['gotify', 'appToken'],
    ] as const) {
      expect(isSecretField(type, name)).toBe(true);
      expect(channelFields(type).find((f) => f.name === name)?.kind).toBe('password');
    }
    expect(channelFormValues('opsgenie', { apiKey: '…a5b6', region: 'eu', priority: 'P1' })).toEqual({
      apiKey: '',
      region: 'eu',
      priority: 'P1',
    });
  });

  it('lists each channel by its destination: the chat, the server, or the masked key', () => {
    expect(channelDestination('telegram', { chatId: '-100123', botToken: '…abcd' })).toBe('-100123');
    expect(channelDestination('ntfy', { serverUrl: 'https://ntfy.sh', topic: '…k3x9' })).toBe(
      'https://ntfy.sh',
    );
    expect(channelDestination('gotify', { serverUrl: 'https://push.example.com', appToken: '…' })).toBe(
      'https://push.example.com',
    );
    expect(channelDestination('opsgenie', { apiKey: '…a5b6', region: 'eu' })).toBe('…a5b6');
  });
});
