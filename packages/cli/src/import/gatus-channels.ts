import type { ChannelDraft } from './channels';
import { type Fields, need, Untranslatable } from './fields';

/**
 * Gatus alerting providers (the keys under `alerting:`, `alerting/provider/*`) and the SentinelMesh
 * channel each becomes. Fields a mapping does not read are reported by the caller.
 */
export const gatusProviders: Record<string, (f: Fields) => ChannelDraft> = {
  custom: (f) => ({ type: 'webhook', settings: { url: need(f, 'url') }, describe: {} }),
  slack: (f) => webhookUrl('slack', f, 'the Slack webhook URL'),
  discord: (f) => webhookUrl('discord', f, 'the Discord webhook URL'),
  email: (f) => ({
    type: 'email',
    settings: {
      to: need(f, 'to')
        .split(',')
        .map((address) => address.trim())
        .filter(Boolean),
    },
    describe: {},
  }),
  pagerduty: (f) => ({
    type: 'pagerduty',
    settings: { routingKey: need(f, 'integration-key') },
    describe: { routingKey: 'the PagerDuty integration key (Gatus integration-key)' },
  }),
  'teams-workflows': (f) => webhookUrl('teams', f, 'the Teams Workflows webhook URL'),
  teams: () => {
    throw new Untranslatable(
      'Office 365 connector webhooks are retired; create a Workflows webhook and a teams channel for it',
    );
  },
  telegram: (f) => ({
    type: 'telegram',
    settings: { botToken: need(f, 'token'), chatId: need(f, 'id') },
    describe: { botToken: 'the Telegram bot token (Gatus token)' },
  }),
  opsgenie: (f) => ({
    type: 'opsgenie',
    settings: { apiKey: need(f, 'api-key') },
    describe: { apiKey: 'the Opsgenie API key (Gatus api-key)' },
  }),
  ntfy: (f) => ({
    type: 'ntfy',
    settings: { serverUrl: f.str('url'), topic: need(f, 'topic'), accessToken: f.str('token') },
    describe: { accessToken: 'the ntfy access token (Gatus token)' },
  }),
  pushover: (f) => ({
    type: 'pushover',
    settings: { appToken: need(f, 'application-token'), userKey: need(f, 'user-key') },
    describe: {
      appToken: 'the Pushover application token (Gatus application-token)',
      userKey: 'the Pushover user key (Gatus user-key)',
    },
  }),
  gotify: (f) => ({
    type: 'gotify',
    settings: { serverUrl: need(f, 'server-url'), appToken: need(f, 'token') },
    describe: { appToken: 'the Gotify application token (Gatus token)' },
  }),
  matrix: (f) => ({
    type: 'matrix',
    settings: {
      homeserverUrl: need(f, 'server-url'),
      roomId: need(f, 'internal-room-id'),
      accessToken: need(f, 'access-token'),
    },
    describe: { accessToken: 'the Matrix access token (Gatus access-token)' },
  }),
  mattermost: (f) => webhookUrl('mattermost', f, 'the Mattermost webhook URL'),
  rocketchat: (f) => webhookUrl('rocketchat', f, 'the Rocket.Chat webhook URL'),
  googlechat: (f) => webhookUrl('google-chat', f, 'the Google Chat webhook URL'),
  twilio: (f) => ({
    type: 'twilio-sms',
    settings: {
      accountSid: need(f, 'sid'),
      authToken: need(f, 'token'),
      from: need(f, 'from'),
      to: need(f, 'to'),
    },
    describe: { authToken: 'the Twilio auth token (Gatus token)' },
  }),
};

/** The Gatus provider fields about sending mail itself, which the deployment's SMTP server does here. */
export const gatusSmtpFields = ['from', 'host', 'port', 'username', 'password', 'client'];

function webhookUrl(
  type: 'slack' | 'discord' | 'teams' | 'mattermost' | 'rocketchat' | 'google-chat',
  f: Fields,
  what: string,
): ChannelDraft {
  return {
    type,
    settings: { webhookUrl: need(f, 'webhook-url') },
    describe: { webhookUrl: `${what} (Gatus webhook-url)` },
  };
}
