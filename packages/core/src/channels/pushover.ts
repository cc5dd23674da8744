import { z } from 'zod';
import { type ChannelType, maskSecretKey, type StoredChannel } from './channel-type';
import { priorityField } from './priority-field';

/** Pushover's priority names, lowest first (-2 to 2 on the wire). */
export const pushoverPriorities = ['lowest', 'low', 'normal', 'high', 'emergency'] as const;

/** User, group and application keys: 30 letters and digits. */
const key = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{30}$/, 'must be 30 letters and digits');
const device = z
  .string()
  .trim()
  .regex(/^[\w-]{1,25}(,[\w-]{1,25})*$/, 'must be device names separated by commas');
const priority = z.enum(pushoverPriorities);

const settings = z.strictObject({
  userKey: key.describe('the user or group key to notify (a secret)'),
  appToken: key.describe('the API token of your Pushover application (a secret)'),
  device: device.optional().describe('only these devices (names, comma-separated); default all'),
  priority: priority
    .optional()
    .describe(
      'the priority of down alerts; default `high`; `emergency` repeats until acknowledged in Pushover',
    ),
});
const config = z.object({ device: device.optional(), priority: priority.optional() });
const secrets = z.object({ userKey: key, appToken: key });
const view = z.object({
  userKey: z.string().describe('masked'),
  appToken: z.string().describe('masked'),
  device: z.string().optional(),
  priority,
});

/** Pushover `messages.json` (the API URL is the deployment's); the user key and app token are secrets. */
export const pushoverChannel = {
  label: 'Pushover',
  settings,
  config,
  secrets,
  split: ({ userKey, appToken, ...rest }: z.output<typeof settings>) => ({
    config: rest,
    secrets: { userKey, appToken },
  }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    userKey: maskSecretKey(stored.secrets?.userKey),
    appToken: maskSecretKey(stored.secrets?.appToken),
    ...(stored.config?.device ? { device: stored.config.device } : {}),
    priority: stored.config?.priority ?? 'high',
  }),
  targetFields: [],
  fields: [
    {
      name: 'userKey',
      kind: 'password',
      label: 'User or group key',
      hint: 'On pushover.net, once signed in: “Your User Key”, top right (or a delivery group’s key).',
    },
    {
      name: 'appToken',
      kind: 'password',
      label: 'Application API token',
      hint: 'On pushover.net: Create an Application/API Token, then copy its API Token/Key.',
    },
    {
      name: 'device',
      kind: 'text',
      label: 'Devices (optional)',
      hint: 'Device names, comma-separated. Empty: all of the user’s devices.',
      optional: true,
    },
    priorityField(
      pushoverPriorities,
      'high',
      'Emergency repeats until acknowledged in Pushover; recoveries and tests are sent at normal or lower.',
    ),
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
