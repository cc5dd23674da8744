import { z } from 'zod';
import type { ChannelType, StoredChannel } from './channel-type';

const recipients = z.array(z.string().trim().email().max(254)).min(1).max(50);
const settings = z.strictObject({ to: recipients.describe('recipients') });
const config = z.object({ to: recipients });
const view = z.object({ to: z.array(z.string()) });

/** Mail to a list of recipients over the deployment's SMTP server; nothing secret. */
export const emailChannel = {
  label: 'Email',
  settings,
  config,
  secrets: null,
  split: (s: z.output<typeof settings>) => ({ config: { to: s.to }, secrets: null }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, never>) => ({ to: stored.config?.to ?? [] }),
  targetFields: [],
  fields: [
    {
      name: 'to',
      kind: 'email-list',
      label: 'Send to',
      hint: 'One or more addresses, separated by commas.',
      placeholder: 'oncall@example.com',
    },
  ],
} satisfies ChannelType<typeof settings, typeof config, z.ZodObject, typeof view>;
