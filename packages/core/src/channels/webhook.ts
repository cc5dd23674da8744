import { z } from 'zod';
import { httpUrl } from '../schemas/http-url';
import type { ChannelMoment, ChannelType, StoredChannel } from './channel-type';

const signingSecret = z.string().min(16, 'must be at least 16 characters').max(256);

const settings = z.strictObject({
  url: httpUrl,
  secret: signingSecret.optional(),
  previousSecret: signingSecret
    .nullable()
    .optional()
    .describe(
      'during a rotation, the secret being retired: deliveries carry a second v1 signature made with it',
    ),
});
const config = z.object({ url: z.string() });
// Without a secret (none could be kept), deliveries go unsigned rather than not at all.
const secrets = z.object({
  secret: z.string().min(1).optional(),
  previousSecret: z.string().min(1).nullish(),
});
const view = z.object({
  url: z.string(),
  secret: z.string().describe('shown in full only in the create response; masked afterwards'),
  previousSecret: z.string().optional().describe('masked; present while a rotation keeps it'),
});

/** `whsec_…` and the last four characters. */
const maskSecret = (secret: string) => `whsec_…${secret.slice(-4)}`;

/** Signed JSON to any URL (API.md); the signing secret is generated when not given, and can be rotated. */
export const webhookChannel = {
  label: 'Webhook',
  settings,
  config,
  secrets,
  split: (s: z.output<typeof settings>) => ({
    config: { url: s.url },
    // A previous secret set to null ends the rotation: it is dropped.
    secrets: {
      ...(s.secret ? { secret: s.secret } : {}),
      ...(s.previousSecret ? { previousSecret: s.previousSecret } : {}),
    },
  }),
  complete: (s: z.output<typeof settings>, newSecret: () => string) =>
    s.secret ? s : { ...s, secret: newSecret() },
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>, moment: ChannelMoment) => {
    const secret = stored.secrets?.secret ?? '';
    const previous = stored.secrets?.previousSecret;
    return {
      url: stored.config?.url ?? '',
      secret: moment === 'created' ? secret : secret ? maskSecret(secret) : 'whsec_…',
      ...(previous ? { previousSecret: maskSecret(previous) } : {}),
    };
  },
  targetFields: ['url'],
  fields: [
    {
      name: 'url',
      kind: 'url',
      label: 'URL to POST alerts to',
      hint: 'Receives signed JSON for every alert.',
      placeholder: 'https://example.com/hooks/sentinelmesh',
    },
    {
      name: 'secret',
      kind: 'password',
      label: 'Signing secret (optional)',
      hint: 'At least 16 characters. Empty: one is generated and shown once.',
      optional: true,
    },
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
