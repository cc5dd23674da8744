import {
  channelSecretFields,
  isChannelTypeName,
  monitorsOutsideComponents,
  type SentinelFileInput,
} from '@sentinelmesh/core';
import { stringify } from 'yaml';
import { type ApiClient, listAll } from './api-client';
import { referenceMonitorSecrets, variableName } from './export-secrets';

interface Live {
  id: string;
  key: string | null;
  createdAt: string;
}

/** A key for a resource without one, from its name: `Checkout API` → `checkout-api`. */
export function keyFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 90);
  return slug || 'resource';
}

/** Each resource's key: its own, else one made from its name, never one another resource has. */
function assignKeys<T extends Live>(items: T[], nameOf: (item: T) => string): Map<string, string> {
  const keys = new Map<string, string>();
  const used = new Set(items.flatMap((i) => (i.key ? [i.key] : [])));
  for (const item of items) {
    if (item.key) {
      keys.set(item.id, item.key);
      continue;
    }
    const base = keyFromName(nameOf(item));
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
    used.add(key);
    keys.set(item.id, key);
  }
  return keys;
}

const oldestFirst = <T extends Live>(items: T[]) =>
  [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));

/** `${CHANNEL_OPS_SLACK_WEBHOOK_URL}`: where an exported channel's secret is to come from. */
export const secretVariable = (key: string, field: string) => variableName('channel', key, field);

const RESPONSE_ONLY = [
  'id',
  'createdAt',
  'updatedAt',
  'state',
  'key',
  'managed',
  'channelIds',
  'heartbeatToken',
  'status',
  'monitorIds',
  'isDefault',
  'groupId',
  'dependsOn',
  'escalationPolicyId',
];

const without = (item: Record<string, unknown>, fields: string[]) =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !fields.includes(k)));

type Target =
  | { type: 'channel'; channelId: string }
  | { type: 'member'; userId: string }
  | { type: 'rotation'; rotationId: string };
type Rotation = Live & {
  name: string;
  cadence: string;
  handoffTime: string;
  handoffWeekday: number | null;
  timeZone: string;
  startsAt: string;
  memberIds: string[];
};
type Policy = Live & {
  name: string;
  steps: Array<{ waitMinutes: number; targets: Target[] }>;
  repeat: number;
  reminderMinutes: number | null;
};
type Group = Live & { name: string; alertAsOne: boolean };
type Monitor = Live & {
  name: string;
  channelIds: string[];
  groupId: string | null;
  escalationPolicyId: string | null;
  dependsOn: { monitorIds: string[]; groupIds: string[] };
} & Record<string, unknown>;

type Page = Live & {
  slug: string;
  title: string;
  monitorIds: string[];
  components: Array<{ name: string; description: string | null; monitorIds: string[] }>;
  links: Array<{ label: string; url: string }>;
  badgesEnabled: boolean;
} & Record<PageText, string | null>;
type PageText = 'description' | 'logoUrl' | 'brandColor' | 'footerText' | 'customDomain';

/** Only what is set is written: a page without components, branding or a domain reads as before. */
function pageEntry(p: Page, key: string, monitorKeys: (ids: string[]) => string[]) {
  const components = p.components.map((c) => ({
    name: c.name,
    ...(c.description ? { description: c.description } : {}),
    monitors: monitorKeys(c.monitorIds),
  }));
  const monitors = monitorsOutsideComponents(monitorKeys(p.monitorIds), components);
  const set = (field: PageText) => (p[field] === null ? {} : { [field]: p[field] });
  return {
    key,
    slug: p.slug,
    title: p.title,
    ...(monitors.length > 0 || components.length === 0 ? { monitors } : {}),
    ...(components.length > 0 ? { components } : {}),
    ...set('description'),
    ...set('logoUrl'),
    ...set('brandColor'),
    ...set('footerText'),
    ...(p.links.length > 0 ? { links: p.links.map(({ label, url }) => ({ label, url })) } : {}),
    ...set('customDomain'),
    ...(p.badgesEnabled ? { badgesEnabled: true } : {}),
  };
}

/**
 * The organization as a sentinelmesh.yaml: every channel, rotation, escalation policy, group,
 * monitor, maintenance window and status page, whoever made them. Resources refer to each other by
 * key (one made from the name for a resource without a key), members by email. Secrets, which the
 * API never shows, become `${ENV}` references whose names are returned in `variables`.
 */
export async function exportOrganization(
  api: ApiClient,
): Promise<{ document: SentinelFileInput; variables: string[] }> {
  type Channel = Live & {
    type: string;
    name: string;
    config: Record<string, unknown>;
    isDefault: boolean;
    personal?: boolean;
  };
  type Window = Live & {
    name: string;
    startsAt: string;
    endsAt: string | null;
    recurrence?: Record<string, unknown> | null;
    monitorIds: string[];
  };
  // Personal channels belong to their member, not to the organization's file.
  const channels = oldestFirst(await listAll<Channel>(api, '/v1/channels')).filter((c) => !c.personal);
  const rotations = oldestFirst(await listAll<Rotation>(api, '/v1/oncall-rotations'));
  const policies = oldestFirst(await listAll<Policy>(api, '/v1/escalation-policies'));
  const groups = oldestFirst(await listAll<Group>(api, '/v1/monitor-groups'));
  const monitors = oldestFirst(await listAll<Monitor>(api, '/v1/monitors'));
  const windows = oldestFirst(await listAll<Window>(api, '/v1/maintenance-windows'));
  const pages = oldestFirst(await listAll<Page>(api, '/v1/status-pages'));
  const members = new Map(
    (await listAll<{ userId: string; email: string }>(api, '/v1/members')).map((m) => [m.userId, m.email]),
  );
  const channelKeys = assignKeys(channels, (c) => c.name);
  const rotationKeys = assignKeys(rotations, (r) => r.name);
  const policyKeys = assignKeys(policies, (p) => p.name);
  const groupKeys = assignKeys(groups, (g) => g.name);
  const monitorKeys = assignKeys(monitors, (m) => m.name);
  const windowKeys = assignKeys(windows, (w) => w.name);
  const pageKeys = assignKeys(pages, (p) => p.slug);
  const keysOf = (keys: Map<string, string>, ids: string[]) => ids.map((id) => keys.get(id) ?? id);
  const emailOf = (id: string) => members.get(id) ?? id;
  const variables: string[] = [];
  const taken = new Set<string>();
  const monitorEntry = (m: Monitor) => {
    const key = monitorKeys.get(m.id) as string;
    const secret = referenceMonitorSecrets(key, without(m, RESPONSE_ONLY), taken);
    variables.push(...secret.variables);
    const { monitorIds, groupIds } = m.dependsOn;
    return {
      key,
      ...secret.monitor,
      channels: keysOf(channelKeys, m.channelIds),
      ...(m.groupId ? { group: keysOf(groupKeys, [m.groupId])[0] } : {}),
      ...(m.escalationPolicyId ? { escalationPolicy: keysOf(policyKeys, [m.escalationPolicyId])[0] } : {}),
      ...(monitorIds.length + groupIds.length > 0
        ? { dependsOn: { monitors: keysOf(monitorKeys, monitorIds), groups: keysOf(groupKeys, groupIds) } }
        : {}),
    };
  };
  const target = (t: Target) =>
    t.type === 'channel'
      ? { channel: keysOf(channelKeys, [t.channelId])[0] }
      : t.type === 'rotation'
        ? { rotation: keysOf(rotationKeys, [t.rotationId])[0] }
        : { member: emailOf(t.userId) };
  const document = {
    version: 1 as const,
    channels: channels.map((c) => {
      const key = channelKeys.get(c.id) as string;
      const secrets = isChannelTypeName(c.type) ? channelSecretFields(c.type) : [];
      const config = Object.fromEntries(
        Object.entries(c.config).map(([field, value]) => {
          if (!secrets.includes(field)) return [field, value];
          const name = secretVariable(key, field);
          variables.push(name);
          return [field, `\${${name}}`];
        }),
      );
      return { key, name: c.name, type: c.type, config, ...(c.isDefault ? { isDefault: true } : {}) };
    }),
    oncallRotations: rotations.map((r) => ({
      key: rotationKeys.get(r.id) as string,
      name: r.name,
      cadence: r.cadence,
      handoffTime: r.handoffTime,
      ...(r.handoffWeekday === null ? {} : { handoffWeekday: r.handoffWeekday }),
      timeZone: r.timeZone,
      startsAt: r.startsAt,
      members: r.memberIds.map(emailOf),
    })),
    escalationPolicies: policies.map((p) => ({
      key: policyKeys.get(p.id) as string,
      name: p.name,
      steps: p.steps.map((step) => ({ waitMinutes: step.waitMinutes, targets: step.targets.map(target) })),
      repeat: p.repeat,
      reminderMinutes: p.reminderMinutes,
    })),
    groups: groups.map((g) => ({
      key: groupKeys.get(g.id) as string,
      name: g.name,
      alertAsOne: g.alertAsOne,
    })),
    monitors: monitors.map(monitorEntry),
    maintenanceWindows: windows.map((w) => ({
      key: windowKeys.get(w.id) as string,
      name: w.name,
      startsAt: w.startsAt,
      ...(w.endsAt !== null ? { endsAt: w.endsAt } : {}),
      ...(w.recurrence ? { recurrence: w.recurrence } : {}),
      monitors: keysOf(monitorKeys, w.monitorIds),
    })),
    statusPages: pages.map((p) =>
      pageEntry(p, pageKeys.get(p.id) as string, (ids) => keysOf(monitorKeys, ids)),
    ),
  };
  return { document: document as SentinelFileInput, variables };
}

export const toYaml = (document: SentinelFileInput) => stringify(document, { lineWidth: 0 });
