import { z } from 'zod';
import { httpUrl } from '../schemas/http-url';
import { type ChannelType, maskSecretKey, type StoredChannel } from './channel-type';
import { priorityField } from './priority-field';

export const NTFY_DEFAULT_SERVER = 'https://ntfy.sh';
/** ntfy's priority names, lowest first (1 to 5 on the wire). */
export const ntfyPriorities = ['min', 'low', 'default', 'high', 'max'] as const;

const topic = z
  .string()
  .trim()
  .regex(/^[\w-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -');
const accessToken = z.string().trim().min(1).max(256);
const username = z.string().trim().min(1).max(128);
const password = z.string().min(1).max(256);
const priority = z.enum(ntfyPriorities);

const settings = z.strictObject({
  serverUrl: httpUrl.optional().describe(`the ntfy server; default ${NTFY_DEFAULT_SERVER}`),
  topic: topic.describe(
    'the topic to publish to (a secret: on a public server, whoever knows the topic can read it)',
  ),
  accessToken: accessToken
    .nullable()
    .optional()
    .describe('an access token (`tk_…`, a secret) for a protected topic; null removes it'),
  username: username.nullable().optional().describe('basic auth user for a protected topic; null removes it'),
  password: password.nullable().optional().describe('basic auth password (a secret); null removes it'),
  priority: priority.optional().describe('the priority of down alerts; default `high`'),
});
const config = z.object({
  serverUrl: httpUrl.optional(),
  username: username.optional(),
  priority: priority.optional(),
});
const secrets = z.object({ topic, accessToken: accessToken.optional(), password: password.optional() });
const view = z.object({
  serverUrl: z.string(),
  topic: z.string().describe('masked'),
  accessToken: z.string().optional().describe('masked; present when one is kept'),
  username: z.string().optional(),
  password: z.string().optional().describe('masked; present when one is kept'),
  priority,
});

/** Drops the settings set to null (removed) or left out. */
const present = <T extends Record<string, unknown>>(values: T) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: NonNullable<T[K]>;
  };

/** ntfy: JSON published to a topic on ntfy.sh or a self-hosted server, with an optional token or basic auth. */
export const ntfyChannel = {
  label: 'ntfy',
  settings,
  config,
  secrets,
  split: (s: z.output<typeof settings>) => ({
    config: present({ serverUrl: s.serverUrl, username: s.username, priority: s.priority }),
    secrets: { topic: s.topic, ...present({ accessToken: s.accessToken, password: s.password }) },
  }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    serverUrl: stored.config?.serverUrl ?? NTFY_DEFAULT_SERVER,
    topic: maskSecretKey(stored.secrets?.topic),
    ...(stored.secrets?.accessToken ? { accessToken: maskSecretKey(stored.secrets.accessToken) } : {}),
    ...(stored.config?.username ? { username: stored.config.username } : {}),
    ...(stored.secrets?.password ? { password: '…' } : {}),
    priority: stored.config?.priority ?? 'high',
  }),
  targetFields: ['serverUrl'],
  fields: [
    {
      name: 'serverUrl',
      kind: 'url',
      label: 'Server (optional)',
      hint: `Empty: ${NTFY_DEFAULT_SERVER}. A self-hosted server: its address.`,
      placeholder: NTFY_DEFAULT_SERVER,
      optional: true,
    },
    {
      name: 'topic',
      kind: 'password',
      label: 'Topic',
      hint: 'Subscribe to it in the ntfy app. On a public server pick one nobody can guess: it works like a password.',
      placeholder: 'sentinelmesh-k3x9q2',
    },
    {
      name: 'accessToken',
      kind: 'password',
      label: 'Access token (optional)',
      hint: 'For a protected topic: a token (tk_…) from the server’s account page. Or use a user and password.',
      optional: true,
    },
    {
      name: 'username',
      kind: 'text',
      label: 'User (optional)',
      hint: 'For a protected topic, with the password below.',
      optional: true,
    },
    { name: 'password', kind: 'password', label: 'Password (optional)', hint: '', optional: true },
    priorityField(ntfyPriorities, 'high', 'Recoveries and tests are sent at default or lower.'),
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
