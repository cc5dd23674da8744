import { z } from 'zod';
import { channelType, channelTypeNames } from '../channels';
import { eachCheckType } from '../check-types';
import { MAX_PARENTS } from '../dependencies';
import { maintenanceWindowFields, requireOneOffEnd, windowSpanRule } from '../schemas/maintenance-window';
import {
  assertionsFitType,
  type CreateMonitor,
  type CreateMonitorInput,
  timeoutRule,
} from '../schemas/monitor';
import {
  MAX_STATUS_PAGE_MONITORS,
  statusPageComponentFields,
  statusPageExtrasFields,
  statusPageSlug,
  statusPageTitle,
} from '../schemas/status-page';
import {
  escalationPolicyEntrySchema,
  groupEntrySchema,
  rotationEntrySchema,
  type TargetEntry,
} from './oncall-entries';
import { resourceKey } from './resource-key';

/** A reference to an environment variable, `${NAME}`: how a file gives a secret. */
export const envReference = z
  .string()
  .regex(/^\$\{[A-Z_][A-Z0-9_]*\}$/, `a secret is given as an environment variable reference: \${NAME}`);

/** The kinds of resource a file declares, in the order an apply creates them (prune: the reverse). */
export const resourceKinds = [
  'channels',
  'oncallRotations',
  'escalationPolicies',
  'groups',
  'monitors',
  'maintenanceWindows',
  'statusPages',
] as const;
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
 * A monitor entry: the POST /v1/monitors body of its type with a `key`, and keys in place of ids:
 * `channels`, `group`, `escalationPolicy` and `dependsOn`. Left out, `channels` means the
 * organization's default channels on create and no change afterwards; the others mean none.
 */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Keyed = {
  key: string;
  channels?: string[] | undefined;
  group?: string | null | undefined;
  escalationPolicy?: string | null | undefined;
  dependsOn?: { monitors: string[]; groups: string[] } | undefined;
};
type ById = 'channelIds' | 'groupId' | 'dependsOn' | 'escalationPolicyId';
export type MonitorEntry = DistributiveOmit<CreateMonitor, ById> & Keyed;
export type MonitorEntryInput = DistributiveOmit<CreateMonitorInput, ById> &
  Omit<Keyed, 'dependsOn'> & {
    dependsOn?: { monitors?: string[] | undefined; groups?: string[] | undefined } | undefined;
  };

const keyedMonitor = (input: z.ZodObject) =>
  input.omit({ channelIds: true, groupId: true, dependsOn: true, escalationPolicyId: true }).extend({
    key: resourceKey,
    channels: keyList(50).optional(),
    group: resourceKey.nullable().optional().describe('the groups entry it belongs to; none when left out'),
    escalationPolicy: resourceKey
      .nullable()
      .optional()
      .describe('the escalationPolicies entry its incidents climb; left out: its channels are alerted'),
    dependsOn: z
      .strictObject({ monitors: keyList(MAX_PARENTS).default([]), groups: keyList(MAX_PARENTS).default([]) })
      .optional()
      .describe('parents by key: while one is down, this monitor records incidents but sends nothing'),
  });

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

/** A component of a page entry: the API's component with monitor keys. */
const componentEntrySchema = z.strictObject({
  ...statusPageComponentFields,
  monitors: keyList(MAX_STATUS_PAGE_MONITORS),
});
export type StatusPageComponentEntry = z.output<typeof componentEntrySchema>;

/** Names unique on a page (case aside), and a monitor in one component at most, as the API requires. */
function componentsRule(page: { components?: StatusPageComponentEntry[] | undefined }, ctx: z.RefinementCtx) {
  const names = new Set<string>();
  const owner = new Map<string, string>();
  for (const [i, component] of (page.components ?? []).entries()) {
    const name = component.name.toLowerCase();
    if (names.has(name))
      ctx.addIssue({
        code: 'custom',
        path: ['components', i, 'name'],
        message: 'another component has this name',
      });
    names.add(name);
    for (const [j, monitor] of component.monitors.entries()) {
      const other = owner.get(monitor);
      if (other !== undefined && other !== component.name)
        ctx.addIssue({
          code: 'custom',
          path: ['components', i, 'monitors', j],
          message: `"${monitor}" is in the component "${other}" already`,
        });
      else owner.set(monitor, component.name);
    }
  }
}

/**
 * A status page entry: the POST /v1/status-pages body with monitor keys (`monitors`, and each
 * component's `monitors`). Left out, components, branding and the custom domain are none and badges off.
 */
export const statusPageEntrySchema = z
  .strictObject({
    key: resourceKey,
    slug: statusPageSlug,
    title: statusPageTitle,
    monitors: keyList(MAX_STATUS_PAGE_MONITORS).default([]),
    ...statusPageExtrasFields(componentEntrySchema, '`monitors`'),
  })
  .superRefine(componentsRule);
export type StatusPageEntry = z.output<typeof statusPageEntrySchema>;

type Entry = Record<string, unknown> & { key: string };

/** Where a kind's entries name other entries by key: the path below the entry, and the kind named. */
function referencesOf(
  kind: ResourceKind,
  entry: Entry,
): Array<{ path: (string | number)[]; target: ResourceKind; key: string }> {
  const list = (value: unknown, path: (string | number)[], target: ResourceKind) =>
    Array.isArray(value) ? value.map((key, i) => ({ path: [...path, i], target, key: String(key) })) : [];
  const one = (value: unknown, path: (string | number)[], target: ResourceKind) =>
    typeof value === 'string' ? [{ path, target, key: value }] : [];
  switch (kind) {
    case 'monitors': {
      const dependsOn = entry.dependsOn as { monitors?: unknown; groups?: unknown } | undefined;
      return [
        ...list(entry.channels, ['channels'], 'channels'),
        ...one(entry.group, ['group'], 'groups'),
        ...one(entry.escalationPolicy, ['escalationPolicy'], 'escalationPolicies'),
        ...list(dependsOn?.monitors, ['dependsOn', 'monitors'], 'monitors'),
        ...list(dependsOn?.groups, ['dependsOn', 'groups'], 'groups'),
      ];
    }
    case 'escalationPolicies':
      return (entry.steps as Array<{ targets: TargetEntry[] }>).flatMap((step, i) =>
        step.targets.flatMap((target, j) => [
          ...('channel' in target
            ? one(target.channel, ['steps', i, 'targets', j, 'channel'], 'channels')
            : []),
          ...('rotation' in target
            ? one(target.rotation, ['steps', i, 'targets', j, 'rotation'], 'oncallRotations')
            : []),
        ]),
      );
    case 'maintenanceWindows':
      return list(entry.monitors, ['monitors'], 'monitors');
    case 'statusPages':
      return [
        ...list(entry.monitors, ['monitors'], 'monitors'),
        ...((entry.components ?? []) as Array<{ monitors: unknown }>).flatMap((component, i) =>
          list(component.monitors, ['components', i, 'monitors'], 'monitors'),
        ),
      ];
    default:
      return [];
  }
}

/** Keys unique per kind, and every key an entry names declared in the document. */
function keysResolve(value: unknown, ctx: z.RefinementCtx) {
  const doc = value as Record<ResourceKind, Entry[]>;
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
  for (const kind of resourceKinds) {
    for (const [i, entry] of doc[kind].entries()) {
      for (const ref of referencesOf(kind, entry)) {
        if (declared[ref.target].has(ref.key)) continue;
        ctx.addIssue({
          code: 'custom',
          path: [kind, i, ...ref.path],
          message: `no ${ref.target} entry has the key "${ref.key}"`,
        });
      }
    }
  }
}

/** The resources of a document, with channel secrets in the given form. */
export function resourcesSchema(form: SecretForm) {
  return {
    channels: z.array(channelEntry(form)).max(1000).default([]),
    oncallRotations: z.array(rotationEntrySchema).max(1000).default([]),
    escalationPolicies: z.array(escalationPolicyEntrySchema).max(1000).default([]),
    groups: z.array(groupEntrySchema).max(1000).default([]),
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
  })
  .superRefine(keysResolve);
export type SentinelFile = z.output<typeof sentinelFileSchema>;
export type SentinelFileInput = z.input<typeof sentinelFileSchema>;

/** The resources of an apply request: a file's, with its `${ENV}` references replaced by their values. */
export const desiredResourcesSchema = z.strictObject(resourcesSchema('value')).superRefine(keysResolve);
export type DesiredResources = z.output<typeof desiredResourcesSchema>;
export type ChannelEntry = DesiredResources['channels'][number];
