import { secretUrlChannel } from './secret-url-channel';

/** A Mattermost incoming webhook; its URL carries the hook's key, so all of it is the secret. */
export const mattermostChannel = secretUrlChannel({
  label: 'Mattermost',
  describe: {
    setting: 'the Mattermost incoming-webhook URL, with its key (a secret)',
    view: 'masked Mattermost webhook URL',
  },
  field: {
    label: 'Mattermost incoming webhook URL',
    hint: 'In Mattermost: Integrations → Incoming Webhooks → Add Incoming Webhook, then copy its URL.',
    placeholder: 'https://mattermost.example.com/hooks/…',
  },
});
