import { z } from 'zod';
import { httpUrl } from '../schemas/http-url';
import { type ChannelType, maskSecretUrl, type StoredChannel } from './channel-type';

const settings = z.strictObject({
  webhookUrl: httpUrl.describe('the Slack incoming-webhook URL (a secret)'),
});
const config = z.object({});
const secrets = z.object({ webhookUrl: httpUrl });
const view = z.object({ webhookUrl: z.string().describe('masked') });

/** A Slack incoming webhook; its URL is the secret. */
export const slackChannel = {
  label: 'Slack',
  settings,
  config,
  secrets,
  split: (s: z.output<typeof settings>) => ({ config: {}, secrets: { webhookUrl: s.webhookUrl } }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    webhookUrl: maskSecretUrl(stored.secrets?.webhookUrl),
  }),
  targetFields: ['webhookUrl'],
  fields: [
    {
      name: 'webhookUrl',
      kind: 'url',
      label: 'Slack incoming webhook URL',
      hint: 'In Slack: Apps → Incoming Webhooks → Add to a channel, then paste the URL it gives you.',
      placeholder: 'https://hooks.slack.com/services/…',
    },
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
