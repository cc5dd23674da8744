import { secretUrlChannel } from './secret-url-channel';

/** A Rocket.Chat incoming webhook; its URL carries the integration's token, so all of it is the secret. */
export const rocketChatChannel = secretUrlChannel({
  label: 'Rocket.Chat',
  describe: {
    setting: 'the Rocket.Chat incoming-webhook URL, with its token (a secret)',
    view: 'masked Rocket.Chat webhook URL',
  },
  field: {
    label: 'Rocket.Chat webhook URL',
    hint: 'In Rocket.Chat: Administration → Integrations → New → Incoming, enable it, save, then copy the Webhook URL.',
    placeholder: 'https://chat.example.com/hooks/…',
  },
});
