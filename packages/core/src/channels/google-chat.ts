import { secretUrlChannel } from './secret-url-channel';

/** A Google Chat space webhook; its URL carries the key and token, so all of it is the secret. */
export const googleChatChannel = secretUrlChannel({
  label: 'Google Chat',
  describe: {
    setting: 'the Google Chat space webhook URL, with its key and token (a secret)',
    view: 'masked Google Chat webhook URL',
  },
  field: {
    label: 'Google Chat webhook URL',
    hint: 'In the space: Apps & integrations → Webhooks → Add webhook, then copy its URL.',
    placeholder: 'https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…',
  },
});
