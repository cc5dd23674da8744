import { z } from 'zod';
import { type ChannelType, maskSecretKey, type StoredChannel } from './channel-type';
import { priorityField } from './priority-field';

export const opsgenieRegions = ['us', 'eu'] as const;
export const opsgeniePriorities = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;

const apiKey = z.string().trim().min(1).max(128);
const region = z.enum(opsgenieRegions);
const priority = z.enum(opsgeniePriorities);

const settings = z.strictObject({
  apiKey: apiKey.describe('the API key of an Opsgenie API integration (a secret), sent as `GenieKey`'),
  region: region
    .optional()
    .describe('the account’s region: `us` (api.opsgenie.com, the default) or `eu` (api.eu.opsgenie.com)'),
  priority: priority.optional().describe('the priority of the alerts a down monitor opens; default `P1`'),
});
const config = z.object({ region: region.optional(), priority: priority.optional() });
const secrets = z.object({ apiKey });
const view = z.object({ apiKey: z.string().describe('masked'), region, priority });

/** Opsgenie Alert API v2: one alert per incident (its id as the alias), closed when the monitor is up. */
export const opsgenieChannel = {
  label: 'Opsgenie',
  settings,
  config,
  secrets,
  split: ({ apiKey, ...rest }: z.output<typeof settings>) => ({ config: rest, secrets: { apiKey } }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    apiKey: maskSecretKey(stored.secrets?.apiKey),
    region: stored.config?.region ?? 'us',
    priority: stored.config?.priority ?? 'P1',
  }),
  targetFields: [],
  fields: [
    {
      name: 'apiKey',
      kind: 'password',
      label: 'API integration key',
      hint: 'In Opsgenie: Teams → your team → Integrations → Add integration → API, then copy its API key.',
      placeholder: '01234567-89ab-cdef-0123-456789abcdef',
    },
    {
      name: 'region',
      kind: 'text',
      label: 'Region (optional)',
      hint: 'us (the default) or eu, as the address of your Opsgenie account says (app.eu.opsgenie.com is eu).',
      placeholder: 'us',
      optional: true,
    },
    priorityField(opsgeniePriorities, 'P1', 'P1 is critical, P5 informational.'),
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
