import { z } from 'zod';
import { httpUrl } from '../schemas/http-url';
import { type ChannelType, maskSecretKey, type StoredChannel } from './channel-type';
import { priorityField } from './priority-field';

/** Gotify priorities by name, lowest first (0, 2, 5, 8 and 10 on the wire). */
export const gotifyPriorities = ['min', 'low', 'default', 'high', 'max'] as const;

const appToken = z.string().trim().min(1).max(256);
const priority = z.enum(gotifyPriorities);

const settings = z.strictObject({
  serverUrl: httpUrl.describe('the Gotify server’s address (with its path, if it is served under one)'),
  appToken: appToken.describe('the token of a Gotify application (a secret), sent as `X-Gotify-Key`'),
  priority: priority.optional().describe('the priority of down alerts; default `high` (8)'),
});
const config = z.object({ serverUrl: httpUrl, priority: priority.optional() });
const secrets = z.object({ appToken });
const view = z.object({ serverUrl: z.string(), appToken: z.string().describe('masked'), priority });

/** Gotify `POST /message` with an application token, rendered as Markdown. */
export const gotifyChannel = {
  label: 'Gotify',
  settings,
  config,
  secrets,
  split: ({ appToken, ...rest }: z.output<typeof settings>) => ({ config: rest, secrets: { appToken } }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    serverUrl: stored.config?.serverUrl ?? '',
    appToken: maskSecretKey(stored.secrets?.appToken),
    priority: stored.config?.priority ?? 'high',
  }),
  targetFields: ['serverUrl'],
  fields: [
    {
      name: 'serverUrl',
      kind: 'url',
      label: 'Gotify server',
      hint: 'The address you open Gotify at.',
      placeholder: 'https://gotify.example.com',
    },
    {
      name: 'appToken',
      kind: 'password',
      label: 'Application token',
      hint: 'In Gotify: Apps → Create Application, then copy its token.',
    },
    priorityField(gotifyPriorities, 'high', 'Recoveries and tests are sent at default or lower.'),
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
