import { channelTypes } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import {
  channelDestination,
  channelFields,
  channelFormValues,
  channelLabel,
  channelSettings,
  channelTypeOptions,
  channelTypesPhrase,
  describeTestOutcome,
  isSecretField,
} from '../src/components/channel-config';
import type { TestAlert } from '../src/lib/api-types';

describe('the channel form, rendered from the channel registry', () => {
  it('offers every registered type, Discord included, under its label', () => {
    expect(channelTypeOptions.map((o) => o.label)).toEqual([
      'Webhook',
      'Slack',
      'Email',
      'PagerDuty',
      'Discord',
      'Microsoft Teams',
      'Telegram',
      'Opsgenie',
      'ntfy',
      'Pushover',
      'Gotify',
      'Matrix',
      'Mattermost',
      'Rocket.Chat',
      'Google Chat',
      'SMS (Twilio)',
      'Webhook (custom body)',
    ]);
  });

  it('sends a custom-body webhook with its template as typed and its headers as a record', () => {
    const settings = channelSettings('custom-webhook', {
      url: 'https://h.example.com/in',
      bodyTemplate: '{\n  "text": "{{title}}"\n}',
      contentType: '',
      method: '',
      headers: 'Authorization: Bearer abc:def\n\nX-Team: ops',
    });
    expect(settings).toEqual({
      url: 'https://h.example.com/in',
      bodyTemplate: '{\n  "text": "{{title}}"\n}',
      headers: { Authorization: 'Bearer abc:def', 'X-Team': 'ops' },
    });
    expect(channelTypes['custom-webhook'].settings.safeParse(settings).success).toBe(true);
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
    const start =
      'Webhook, Slack, Email, PagerDuty, Discord, Microsoft Teams, Telegram, Opsgenie, ntfy, Pushover, Gotify, Matrix, Mattermost, Rocket.Chat, Google Chat, SMS (Twilio)';
    expect(channelTypesPhrase('or')).toBe(`${start} or Webhook (custom body)`);
    expect(channelTypesPhrase('and')).toBe(`${start} and Webhook (custom body)`);
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

describe('the channel edit form', () => {
  it('knows which settings are sealed, from the registry', () => {
    expect(isSecretField('webhook', 'secret')).toBe(true);
    expect(isSecretField('webhook', 'url')).toBe(false);
    expect(isSecretField('slack', 'webhookUrl')).toBe(true);
    expect(isSecretField('pagerduty', 'routingKey')).toBe(true);
    expect(isSecretField('email', 'to')).toBe(false);
  });

  it('starts from the stored settings, with secrets empty rather than their masks', () => {
    expect(channelFormValues('webhook', { url: 'https://h.example.com', secret: 'whsec_…abcd' })).toEqual({
      url: 'https://h.example.com',
      secret: '',
    });
    expect(channelFormValues('slack', { webhookUrl: 'https://hooks.slack.com/…wxyz' })).toEqual({
      webhookUrl: '',
    });
    expect(channelFormValues('email', { to: ['a@example.com', 'b@example.com'] })).toEqual({
      to: 'a@example.com, b@example.com',
    });
  });

  it.each([
    ['webhook', { url: 'https://h.example.com', secret: '' }, { url: 'https://h.example.com' }],
    ['slack', { webhookUrl: '' }, {}],
    ['slack', { webhookUrl: 'https://hooks.slack.com/new' }, { webhookUrl: 'https://hooks.slack.com/new' }],
    ['pagerduty', { routingKey: ' ' }, {}],
    ['email', { to: 'c@example.com' }, { to: ['c@example.com'] }],
  ] as const)('sends %s changes without the secrets left empty: %j', (type, values, expected) => {
    expect(channelSettings(type, values, { keepSecrets: true })).toEqual(expected);
  });
});

describe('the result of “Send test”', () => {
  const alert = (outcome: TestAlert['outcome'], status: TestAlert['status'] = 'sent'): TestAlert => ({
    id: 'a',
    incidentId: null,
    channelId: 'c',
    event: 'test',
    status,
    attempts: outcome ? 1 : 0,
    sentAt: null,
    lastError: outcome?.error ?? null,
    outcome,
  });
  const at = '2026-11-29T12:00:00.000Z';

  it('says what the receiver answered and how long it took', () => {
    expect(
      describeTestOutcome(
        alert({ delivered: true, statusCode: 200, durationMs: 35, error: null, attemptedAt: at }),
      ),
    ).toBe('Delivered: 200 in 35 ms');
  });

  it('says why a delivery failed, and whether it will be retried', () => {
    const refused = {
      delivered: false,
      statusCode: null,
      durationMs: 2,
      error: 'connection refused',
      attemptedAt: at,
    };
    expect(describeTestOutcome(alert(refused, 'pending'))).toBe('Failed: connection refused (will retry)');
    expect(describeTestOutcome(alert({ ...refused, error: 'HTTP 404', statusCode: 404 }, 'failed'))).toBe(
      'Failed: HTTP 404',
    );
  });

  it('does not claim an outcome the notifier has not reported', () => {
    expect(describeTestOutcome(alert(null, 'pending'))).toMatch(/^Queued, but not attempted yet/);
  });
});
