import { z } from 'zod';
import { channelType, channelTypeNames } from '../channels';
import { eachCheckType } from '../check-types';
import { maintenanceWindowFields, requireOneOffEnd, windowSpanRule } from '../schemas/maintenance-window';
import {
  assertionsFitType,
  type CreateMonitor,
  type CreateMonitorInput,
  timeoutRule,
} from '../schemas/monitor';
import { MAX_STATUS_PAGE_MONITORS, statusPageSlug, statusPageTitle } from '../schemas/status-page';

/** The stable name a file gives a resource, unique per organization and kind. */
export const resourceKey = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,99}$/,
    'a key is 1-100 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit',
  );

/** A reference to an environment variable, `${NAME}`: how a file gives a secret. */
export const envReference = z
  .string()
  .regex(/^\$\{[A-Z_][A-Z0-9_]*\}$/, `a secret is given as an environment variable reference: \${NAME}`);

/** The kinds of resource a file declares, in the order an apply creates them. */
export const resourceKinds = ['channels', 'monitors', 'maintenanceWindows', 'statusPages'] as const;
export type ResourceKind = (typeof resourceKinds)[number];

/** The settings of a channel type that are sealed at rest: a file gives them only as `${ENV}` references. */
export function channelSecretFields(type: (typeof channelTypeNames)[number]): string[] {
  const secrets = channelType(type).secrets;
  return secrets instanceof z.ZodObject ? Object.keys(secrets.shape) : [];
}

/** How channel secrets appear: as references in a file, as values in an apply request. */
export type SecretForm = 'reference' | 'value';

function channelSettings(type: (typeof channelTypeNames)[number], form: SecretForm) {
  const settings = channelType(type).settings;
  if (form === 'value') return settings;
  const references = Object.fromEntries(
    channelSecretFields(type)
      .filter((field) => field in settings.shape)
      .map((field) => {
        const optional = settings.shape[field]?.safeParse(undefined).success;
        return [field, optional ? envReference.optional() : envReference];
      }),
  );
  return settings.extend(references);
}

function channelEntry(form: SecretForm) {
  const options = channelTypeNames.map((type) =>
    z.strictObject({
      key: resourceKey,
      type: z.literal(type),
      name: z.string().trim().min(1).max(200),
      config: channelSettings(type, form),
      isDefault: z.boolean().optional(),
    }),
  );
  return z.discriminatedUnion('type', options as [(typeof options)[number], ...(typeof options)[number][]]);
}

const keyList = (max: number) => z.array(resourceKey).max(max);

/**
 * A monitor entry: the POST /v1/monitors body of its type with a `key`, and `channels` (channel keys)
 * in place of `channelIds`. Left out, `channels` means the organization's default channels on create
 * and no change afterwards.
 */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Keyed = { key: string; channels?: string[] | undefined };
export type MonitorEntry = DistributiveOmit<CreateMonitor, 'channelIds'> & Keyed;
export type MonitorEntryInput = DistributiveOmit<CreateMonitorInput, 'channelIds'> & Keyed;

const keyedMonitor = (input: z.ZodObject) =>
  input.omit({ channelIds: true }).extend({ key: resourceKey, channels: keyList(50).optional() });

export const monitorEntrySchema = z
  .discriminatedUnion(
    'type',
    eachCheckType((t) => keyedMonitor(t.input as unknown as z.ZodObject)),
  )
  .superRefine(...timeoutRule)
  .superRefine((m, ctx) => assertionsFitType(m as unknown as MonitorEntry, ctx)) as unknown as z.ZodType<
  MonitorEntry,
  MonitorEntryInput
>;

const { monitorIds: _windowIds, ...windowFields } = maintenanceWindowFields;

/** A maintenance window entry: the POST /v1/maintenance-windows body with monitor keys. */
export const maintenanceWindowEntrySchema = z
  .strictObject({ key: resourceKey, ...windowFields, monitors: keyList(500).min(1) })
  .superRefine(...windowSpanRule)
  .superRefine(...requireOneOffEnd);
export type MaintenanceWindowEntry = z.output<typeof maintenanceWindowEntrySchema>;

/** A status page entry: the POST /v1/status-pages body with monitor keys, in the order shown. */
export const statusPageEntrySchema = z.strictObject({
  key: resourceKey,
  slug: statusPageSlug,
  title: statusPageTitle,
  monitors: keyList(MAX_STATUS_PAGE_MONITORS).default([]),
});
export type StatusPageEntry = z.output<typeof statusPageEntrySchema>;

type Entries = { [K in ResourceKind]: Array<{ key: string; channels?: string[]; monitors?: string[] }> };

/** Keys unique per kind, and every key a monitor, window or page names declared in the document. */
function keysResolve(value: unknown, ctx: z.RefinementCtx) {
  const doc = value as Entries;
  const declared = Object.fromEntries(
    resourceKinds.map((kind) => {
      const seen = new Set<string>();
      doc[kind].forEach((entry, i) => {
        if (seen.has(entry.key)) {
          ctx.addIssue({
            code: 'custom',
            path: [kind, i, 'key'],
            message: `another ${kind} entry has the key "${entry.key}"`,
          });
        }
        seen.add(entry.key);
      });
      return [kind, seen];
    }),
  ) as Record<ResourceKind, Set<string>>;
  const refer = (list: string[] | undefined, path: (string | number)[], target: ResourceKind) => {
    list?.forEach((key, i) => {
      if (!declared[target].has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, i],
          message: `no ${target} entry has the key "${key}"`,
        });
      }
    });
  };
  for (const [i, m] of doc.monitors.entries()) refer(m.channels, ['monitors', i, 'channels'], 'channels');
  for (const kind of ['maintenanceWindows', 'statusPages'] as const) {
    for (const [i, entry] of doc[kind].entries()) refer(entry.monitors, [kind, i, 'monitors'], 'monitors');
  }
}

/** The resources of a document, with channel secrets in the given form. */
export function resourcesSchema(form: SecretForm) {
  return {
    channels: z.array(channelEntry(form)).max(1000).default([]),
    monitors: z.array(monitorEntrySchema).max(10_000).default([]),
    maintenanceWindows: z.array(maintenanceWindowEntrySchema).max(1000).default([]),
    statusPages: z.array(statusPageEntrySchema).max(1000).default([]),
  };
}

/** `sentinelmesh.yaml` (docs/monitoring-as-code.md): version 1, resources by key, secrets by reference. */
export const sentinelFileSchema = z
  .strictObject({
    $schema: z.string().optional().describe('the JSON Schema an editor validates this file with'),
    version: z.literal(1),
    ...resourcesSchema('reference'),
    escalationPolicies: z
      .array(z.never())
      .max(0)
      .optional()
      .describe('reserved: escalation policies join once the API has them'),
  })
  .superRefine(keysResolve);
export type SentinelFile = z.output<typeof sentinelFileSchema>;
export type SentinelFileInput = z.input<typeof sentinelFileSchema>;

/** The resources of an apply request: a file's, with its `${ENV}` references replaced by their values. */
export const desiredResourcesSchema = z.strictObject(resourcesSchema('value')).superRefine(keysResolve);
export type DesiredResources = z.output<typeof desiredResourcesSchema>;
export type ChannelEntry = DesiredResources['channels'][number];
