import { secretUrlChannel } from './secret-url-channel';

/** A Discord channel webhook; its URL carries the webhook's token, so all of it is the secret. */
export const discordChannel = secretUrlChannel({
  label: 'Discord',
  describe: {
    setting: 'the Discord webhook URL, with its token (a secret)',
    view: 'masked Discord webhook URL',
  },
  field: {
    label: 'Discord webhook URL',
    hint: 'In Discord: Server Settings → Integrations → Webhooks → New Webhook → Copy Webhook URL.',
    placeholder: 'https://discord.com/api/webhooks/…',
  },
});
