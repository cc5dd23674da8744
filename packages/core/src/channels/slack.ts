import { secretUrlChannel } from './secret-url-channel';

/** A Slack incoming webhook; its URL is the secret. */
export const slackChannel = secretUrlChannel({
  label: 'Slack',
  describe: { setting: 'the Slack incoming-webhook URL (a secret)', view: 'masked' },
  field: {
    label: 'Slack incoming webhook URL',
    hint: 'In Slack: Apps → Incoming Webhooks → Add to a channel, then paste the URL it gives you.',
    placeholder: 'https://hooks.slack.com/services/…',
  },
});
