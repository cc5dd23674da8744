import { acceptMonitor, type ImportContext, newContext, result } from './context';
import type { ChannelEntry, MonitorEntry } from './document';
import { clamp, Fields, isRecord, Untranslatable } from './fields';
import { notificationChannel } from './kuma-channels';
import { kumaMonitorTypes } from './kuma-monitors';
import { ImportError, type ImportResult } from './report';
import { type MonitorScope, PUSH_URL_CHANGES, type TypeFields } from './scope';

/**
 * Translates an Uptime Kuma JSON backup (Settings → Backup → Export: `{ version, notificationList,
 * monitorList, proxyList? }`) into a SentinelMesh file, and reports what it could not translate.
 */
export function importKuma(json: unknown): ImportResult {
  if (!isRecord(json) || !Array.isArray(json.monitorList)) {
    throw new ImportError('not an Uptime Kuma backup: expected a JSON object with a monitorList array');
  }
  const ctx = newContext('kuma');
  if (Array.isArray(json.proxyList) && json.proxyList.length > 0) {
    ctx.report.add('proxies', `${json.proxyList.length} proxies are not imported: checks connect directly`);
  }
  const notifications = Array.isArray(json.notificationList) ? json.notificationList : [];
  const channels: ChannelEntry[] = [];
  const channelKeys = new Map<string, string>();
  const notificationNames = new Map<string, string>();
  for (const raw of notifications) {
    const row = new Fields(raw);
    const id = String(row.take('id') ?? '');
    const entry = notificationChannel(row, ctx);
    notificationNames.set(id, entry.origin.item);
    if (entry.channel) {
      channels.push(entry.channel);
      channelKeys.set(id, entry.channel.key);
    }
  }
  const groups = new Map<string, string>();
  for (const raw of json.monitorList) {
    if (isRecord(raw) && raw.type === 'group') groups.set(String(raw.id), String(raw.name ?? ''));
  }
  const monitors: MonitorEntry[] = [];
  for (const raw of json.monitorList) {
    const monitor = translateMonitor(new Fields(raw), { ctx, groups, channelKeys, notificationNames });
    if (monitor) monitors.push(monitor);
  }
  return result(ctx, channels, monitors);
}

interface MonitorLookups {
  ctx: ImportContext;
  /** Group monitors' ids and names: their members are tagged with the name. */
  groups: Map<string, string>;
  /** Kuma notification ids and the keys of the channels they became. */
  channelKeys: Map<string, string>;
  notificationNames: Map<string, string>;
}

/** Monitor fields that describe the monitor in Kuma (ids, paths, state) rather than its check. */
const kumaMetadata = [
  'id',
  'path',
  'pathName',
  'childrenIDs',
  'forceInactive',
  'includeSensitiveData',
  'screenshot',
  'maintenance',
  'dns_last_result',
  'weight',
  'user_id',
  'created_date',
  'subtype',
  'kafkaProducerSaslOptions',
];

/** Options whose usual values change nothing (Kuma exports every column for every type). */
const kumaDefaults: Record<string, unknown> = {
  url: 'https://',
  oauth_auth_method: 'client_secret_basic',
  method: 'GET',
  maxredirects: 10,
  accepted_statuscodes: ['200-299'],
  dns_resolve_type: 'A',
  dns_resolve_server: '1.1.1.1',
  packetSize: 56,
  httpBodyEncoding: 'json',
  jsonPathOperator: '==',
  snmpVersion: '2c',
  gamedigGivenPortOnly: true,
  ping_count: 1,
  ping_numeric: true,
  ping_per_request_timeout: 2,
  responseMaxLength: 1024,
  mqttCheckType: 'keyword',
  smtpSecurity: 'nostarttls',
  kafkaProducerAllowAutoTopicCreation: false,
};

/** What the report says of a Kuma option that has no counterpart, when there is more to say. */
const kumaOptionReasons: Record<string, string> = {
  upsideDown: 'upside-down mode (up when the check fails) has no counterpart; the monitor checks normally',
  ignoreTls: 'certificates are always verified; a target with an untrusted certificate will be down',
  expiryNotification:
    'certificate expiry notices: add a certExpiresInDays assertion or a tls monitor if you want them',
  domainExpiryNotification: 'domain expiry notices: add a domain monitor if you want them',
  resendInterval: 'repeated notifications while down are not imported',
  proxyId: 'proxies are not imported: the check connects directly',
  cacheBust: 'the cache-busting query parameter is not added',
  description: 'SentinelMesh monitors have no description',
  ipFamily: 'the IP family is not pinned; the target is resolved as usual',
  retryOnlyOnStatusCodeFailure: 'retries apply to every failure',
};

function translateMonitor(f: Fields, lookups: MonitorLookups): MonitorEntry | null {
  const { ctx } = lookups;
  const name = f.str('name') ?? 'Monitor';
  const id = String(f.values.id ?? '');
  const item = `monitor "${name}" (id ${id})`;
  const type = f.str('type') ?? '';
  if (type === 'group') {
    ctx.report.add(item, `group monitors are not imported; their members carry the tag "${name}"`);
    return null;
  }
  const mapper = type === 'push' ? pushMonitor : kumaMonitorTypes[type];
  if (!mapper) {
    ctx.report.add(item, `monitor type ${type || '(none)'} is not supported`);
    return null;
  }
  const key = ctx.monitorKeys.claim(name, `monitor-${id}`);
  const scope: MonitorScope = {
    owner: { key, item },
    ctx,
    note: (field, reason) => ctx.report.add(item, reason, field),
  };
  f.skip('name', 'type', ...kumaMetadata);
  let own: TypeFields;
  try {
    own = mapper(f, scope);
  } catch (error) {
    if (!(error instanceof Untranslatable)) throw error;
    ctx.report.add(item, `left out: ${error.message}`);
    return null;
  }
  const entry: MonitorEntry = {
    key,
    name,
    ...own,
    ...timing(f, scope, own.type === 'heartbeat'),
    ...(f.bool('active') === false ? { paused: true } : {}),
    tags: tagsOf(f, lookups.groups),
    channels: channelsOf(f, scope, lookups),
  } as MonitorEntry;
  const isDefault = (field: string, value: unknown) =>
    Object.hasOwn(kumaDefaults, field) && JSON.stringify(kumaDefaults[field]) === JSON.stringify(value);
  for (const field of f.leftovers(isDefault)) {
    scope.note(
      field,
      kumaOptionReasons[field] ?? `option not imported: no counterpart for a ${own.type} monitor`,
    );
  }
  return acceptMonitor(entry, item, ctx);
}

/** Interval, timeout (Kuma: seconds), retries and their interval as SentinelMesh's fields. */
function timing(f: Fields, m: MonitorScope, heartbeat: boolean): Record<string, number> {
  const interval = f.num('interval');
  const timeout = f.num('timeout');
  const retries = f.num('maxretries');
  const retryInterval = f.num('retryInterval');
  const out: Record<string, number> = { recoveryThreshold: 1 };
  if (retries !== undefined) out.failureThreshold = clamp(retries + 1, 1, 20);
  if (retries !== undefined && retries + 1 > 20)
    m.note('maxretries', `${retries} retries: at most 19 are kept`);
  if (heartbeat) return out;
  if (interval !== undefined) out.intervalSeconds = clamp(interval, 1, 86_400);
  if (retryInterval !== undefined && retryInterval > 0)
    out.retryIntervalSeconds = clamp(retryInterval, 1, 3600);
  if (timeout !== undefined && timeout > 0) {
    const ms = clamp(timeout * 1000, 100, 120_000);
    if (out.intervalSeconds === undefined || ms < out.intervalSeconds * 1000) out.timeoutMs = ms;
    else m.note('timeout', `${timeout} s is not shorter than the interval; the default timeout applies`);
  }
  return out;
}

/** A push monitor: its job pings SentinelMesh's heartbeat URL instead of Kuma's push URL. */
function pushMonitor(f: Fields, m: MonitorScope): TypeFields {
  const interval = f.num('interval') ?? 60;
  if (f.str('pushToken')) {
    m.note('pushToken', PUSH_URL_CHANGES);
  }
  f.skip('url', 'method', 'accepted_statuscodes', 'timeout', 'retryInterval');
  return { type: 'heartbeat', periodSeconds: clamp(interval, 10, 31_536_000) };
}

function tagsOf(f: Fields, groups: Map<string, string>): string[] {
  const tags = (f.list('tags') ?? []).flatMap((tag) => {
    if (!isRecord(tag) || typeof tag.name !== 'string' || tag.name.trim() === '') return [];
    const value = typeof tag.value === 'string' && tag.value.trim() !== '' ? `:${tag.value.trim()}` : '';
    return [`${tag.name.trim()}${value}`.slice(0, 64)];
  });
  const parent = f.take('parent');
  const group = parent === null || parent === undefined ? undefined : groups.get(String(parent));
  if (group) tags.push(group.slice(0, 64));
  return [...new Set(tags)];
}

/** The channel keys of the monitor's notifications (`{ "1": true }`); always a list, so no defaults are added. */
function channelsOf(f: Fields, m: MonitorScope, lookups: MonitorLookups): string[] {
  const list = f.record('notificationIDList') ?? {};
  const keys: string[] = [];
  for (const [id, on] of Object.entries(list)) {
    if (!on) continue;
    const key = lookups.channelKeys.get(id);
    if (key) keys.push(key);
    else {
      const what = lookups.notificationNames.get(id) ?? `notification id ${id}`;
      m.note('notificationIDList', `${what} was not imported, so this monitor is not linked to it`);
    }
  }
  return keys;
}
