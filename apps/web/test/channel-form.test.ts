import { channelTypes } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import {
  channelDestination,
  channelFields,
  channelLabel,
  channelSettings,
  channelTypeOptions,
  channelTypesPhrase,
} from '../src/components/channel-config';

describe('the channel form, rendered from the channel registry', () => {
  it('offers every registered type, Discord included, under its label', () => {
    expect(channelTypeOptions.map((o) => o.label)).toEqual([
      'Webhook',
      'Slack',
      'Email',
      'PagerDuty',
      'Discord',
    ]);
  });

  it.each([
    [
      'slack',
      { webhookUrl: ' https://hooks.slack.com/services/T/B/x ' },
      { webhookUrl: 'https://hooks.slack.com/services/T/B/x' },
    ],
    [
      'discord',
      { webhookUrl: 'https://discord.com/api/webhooks/1/t' },
      { webhookUrl: 'https://discord.com/api/webhooks/1/t' },
    ],
    ['email', { to: 'a@example.com, b@example.com,' }, { to: ['a@example.com', 'b@example.com'] }],
    ['pagerduty', { routingKey: 'KEY' }, { routingKey: 'KEY' }],
    ['webhook', { url: 'https://h.example.com', secret: '' }, { url: 'https://h.example.com' }],
    [
      'webhook',
      { url: 'https://h.example.com', secret: 'sixteen-chars-long' },
      { url: 'https://h.example.com', secret: 'sixteen-chars-long' },
    ],
  ] as const)('sends %s settings the API accepts: %j', (type, values, expected) => {
    const settings = channelSettings(type, values);
    expect(settings).toEqual(expected);
    expect(channelTypes[type].settings.safeParse(settings).success).toBe(true);
  });

  it('names every type where the dashboard lists them in words', () => {
    expect(channelTypesPhrase('or')).toBe('Webhook, Slack, Email, PagerDuty or Discord');
    expect(channelTypesPhrase('and')).toBe('Webhook, Slack, Email, PagerDuty and Discord');
  });

  it('asks for Discord by the label people see in Discord', () => {
    expect(channelFields('discord').map((f) => [f.label, f.kind])).toEqual([['Discord webhook URL', 'url']]);
  });

  it('shows a stored channel by its first setting, and an unknown type as it is', () => {
    expect(channelDestination('discord', { webhookUrl: 'https://discord.com/…abcd' })).toBe(
      'https://discord.com/…abcd',
    );
    expect(channelDestination('email', { to: ['a@example.com', 'b@example.com'] })).toBe(
      'a@example.com, b@example.com',
    );
    expect(channelDestination('pigeon', { loft: 'x' })).toBe('—');
    expect(channelLabel('pigeon')).toBe('pigeon');
  });
});
