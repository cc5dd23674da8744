import { z } from 'zod';
import { type ChannelType, maskSecretKey, type StoredChannel } from './channel-type';

const routingKey = z.string().trim().min(1).max(128);
const settings = z.strictObject({
  routingKey: routingKey.describe('Events API v2 integration (routing) key'),
});
const config = z.object({});
const secrets = z.object({ routingKey });
const view = z.object({ routingKey: z.string().describe('masked') });

/** PagerDuty Events API v2 (the URL is the deployment's); the routing key is the secret. */
export const pagerDutyChannel = {
  label: 'PagerDuty',
  settings,
  config,
  secrets,
  split: (s: z.output<typeof settings>) => ({ config: {}, secrets: { routingKey: s.routingKey } }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    routingKey: maskSecretKey(stored.secrets?.routingKey),
  }),
  targetFields: [],
  fields: [
    {
      name: 'routingKey',
      kind: 'text',
      label: 'Integration (routing) key',
      hint: 'In PagerDuty: Service → Integrations → Events API v2 → Integration Key.',
      placeholder: '32 characters',
    },
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
