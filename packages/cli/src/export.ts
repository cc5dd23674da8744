import { channelSecretFields, isChannelTypeName, type SentinelFileInput } from '@sentinelmesh/core';
import { stringify } from 'yaml';
import { type ApiClient, listAll } from './api-client';

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
export const secretVariable = (key: string, field: string) =>
  `${`channel_${key}_${field.replace(/([a-z])([A-Z])/g, '$1_$2')}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

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
];

const without = (item: Record<string, unknown>, fields: string[]) =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !fields.includes(k)));

/**
 * The organization as a sentinelmesh.yaml: every channel, monitor, maintenance window and status page,
 * whoever made them. Channel secrets become `${ENV}` references (the API never shows them); a
 * monitor's secret parts stay as the API's masks, which an apply to the same organization keeps.
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
  type Monitor = Live & { name: string; channelIds: string[] } & Record<string, unknown>;
  type Window = Live & {
    name: string;
    startsAt: string;
    endsAt: string | null;
    recurrence?: Record<string, unknown> | null;
    monitorIds: string[];
  };
  type Page = Live & { slug: string; title: string; monitorIds: string[] };
  // Personal channels belong to their member, not to the organization's file.
  const channels = oldestFirst(await listAll<Channel>(api, '/v1/channels')).filter((c) => !c.personal);
  const monitors = oldestFirst(await listAll<Monitor>(api, '/v1/monitors'));
  const windows = oldestFirst(await listAll<Window>(api, '/v1/maintenance-windows'));
  const pages = oldestFirst(await listAll<Page>(api, '/v1/status-pages'));
  const channelKeys = assignKeys(channels, (c) => c.name);
  const monitorKeys = assignKeys(monitors, (m) => m.name);
  const windowKeys = assignKeys(windows, (w) => w.name);
  const pageKeys = assignKeys(pages, (p) => p.slug);
  const keysOf = (keys: Map<string, string>, ids: string[]) => ids.map((id) => keys.get(id) ?? id);
  const variables: string[] = [];
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
    monitors: monitors.map((m) => ({
      key: monitorKeys.get(m.id) as string,
      ...without(m, RESPONSE_ONLY),
      channels: keysOf(channelKeys, m.channelIds),
    })),
    maintenanceWindows: windows.map((w) => ({
      key: windowKeys.get(w.id) as string,
      name: w.name,
      startsAt: w.startsAt,
      ...(w.endsAt !== null ? { endsAt: w.endsAt } : {}),
      ...(w.recurrence ? { recurrence: w.recurrence } : {}),
      monitors: keysOf(monitorKeys, w.monitorIds),
    })),
    statusPages: pages.map((p) => ({
      key: pageKeys.get(p.id) as string,
      slug: p.slug,
      title: p.title,
      monitors: keysOf(monitorKeys, p.monitorIds),
    })),
  };
  return { document: document as SentinelFileInput, variables };
}

export const toYaml = (document: SentinelFileInput) => stringify(document, { lineWidth: 0 });
