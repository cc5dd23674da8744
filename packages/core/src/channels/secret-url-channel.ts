import { z } from 'zod';
import { httpUrl } from '../schemas/http-url';
import { type ChannelField, type ChannelType, maskSecretUrl, type StoredChannel } from './channel-type';

/**
 * A channel type whose one setting is an incoming-webhook URL that carries its own token (Slack,
 * Discord): the whole URL is sealed and responses show its origin and last four characters.
 */
export function secretUrlChannel(options: {
  label: string;
  /** The OpenAPI description of the setting, and of its masked view. */
  describe: { setting: string; view: string };
  field: Omit<ChannelField, 'name' | 'kind'>;
}) {
  const settings = z.strictObject({ webhookUrl: httpUrl.describe(options.describe.setting) });
  const config = z.object({});
  const secrets = z.object({ webhookUrl: httpUrl });
  const view = z.object({ webhookUrl: z.string().describe(options.describe.view) });
  return {
    label: options.label,
    settings,
    config,
    secrets,
    split: (s: z.output<typeof settings>) => ({ config: {}, secrets: { webhookUrl: s.webhookUrl } }),
    view,
    mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
      webhookUrl: maskSecretUrl(stored.secrets?.webhookUrl),
    }),
    targetFields: ['webhookUrl'] as const,
    fields: [{ name: 'webhookUrl', kind: 'url', ...options.field }],
  } satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
}
