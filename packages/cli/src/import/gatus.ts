import {
  type Assertion,
  checkTypes,
  dnsRecordTypes,
  httpMethods,
  type MonitorType,
} from '@sentinelmesh/core';
import { parseDocument } from 'yaml';
import { acceptMonitor, type ImportContext, newContext, result } from './context';
import type { MonitorEntry } from './document';
import { clamp, Fields, isRecord, need, Untranslatable } from './fields';
import { type GatusProvider, translateAlerting } from './gatus-alerting';
import { translateCondition } from './gatus-conditions';
import { goDurationMs } from './gatus-duration';

import { ImportError, type ImportResult } from './report';
import { type MonitorScope, PUSH_URL_CHANGES, type TypeFields } from './scope';
import { isResolverAddress, secretHeaders, secretUrl } from './secrets';

/**
 * Translates a Gatus configuration (`endpoints`, `external-endpoints`, `alerting`) into a
 * SentinelMesh file, and reports what it could not translate.
 */
export function importGatus(yamlText: string): ImportResult {
  const parsed = parseDocument(yamlText);
  const [error] = parsed.errors;
  if (error) throw new ImportError(`not valid YAML: ${error.message}`);
  const config: unknown = parsed.toJS();
  if (
    !isRecord(config) ||
    !(Array.isArray(config.endpoints) || Array.isArray(config['external-endpoints']))
  ) {
    throw new ImportError('not a Gatus configuration: expected an endpoints or external-endpoints list');
  }
  const ctx = newContext('gatus');
  const top = new Fields(config);
  const { channels, providers } = translateAlerting(top.record('alerting') ?? {}, ctx);
  const monitors: MonitorEntry[] = [];
  const alerts = { providers, withoutResolved: 0 };
  for (const raw of top.list('endpoints') ?? []) {
    const monitor = translateEndpoint(new Fields(raw), ctx, alerts, false);
    if (monitor) monitors.push(monitor);
  }
  for (const raw of top.list('external-endpoints') ?? []) {
    const monitor = translateEndpoint(new Fields(raw), ctx, alerts, true);
    if (monitor) monitors.push(monitor);
  }
  if (alerts.withoutResolved > 0) {
    ctx.report.add(
      'alerts',
      `${alerts.withoutResolved} linked alert(s) had no send-on-resolved: true; SentinelMesh also notifies when their monitors recover`,
    );
  }
  for (const field of top.leftovers()) {
    ctx.report.add(
      field,
      gatusReasons[field] ?? 'global Gatus setting; not part of what a SentinelMesh file declares',
    );
  }
  return result(ctx, channels, monitors);
}

const RECURRING_MAINTENANCE =
  'recurring maintenance windows have no counterpart: SentinelMesh maintenance windows are one-off spans';

/** What the report says of Gatus settings with no counterpart, when there is more to say. */
const gatusReasons: Record<string, string> = {
  maintenance: RECURRING_MAINTENANCE,
  'maintenance-windows': RECURRING_MAINTENANCE,
  suites: 'suites (several requests in order) are not imported; an api monitor runs steps in order',
  ui: 'display settings are not imported',
};

interface AlertState {
  providers: Map<string, GatusProvider>;
  withoutResolved: number;
}

function translateEndpoint(
  f: Fields,
  ctx: ImportContext,
  alerts: AlertState,
  external: boolean,
): MonitorEntry | null {
  const name = f.str('name') ?? 'endpoint';
  const group = f.str('group');
  const item = `${external ? 'external endpoint' : 'endpoint'} "${group ? `${group}/` : ''}${name}"`;
  const key = ctx.monitorKeys.claim(group ? `${group}-${name}` : name, 'endpoint');
  const scope: MonitorScope = {
    owner: { key, item },
    ctx,
    note: (field, reason) => ctx.report.add(item, reason, field),
  };
  let own: TypeFields;
  try {
    own = external ? externalEndpoint(f, scope) : endpointType(f, scope);
  } catch (error) {
    if (!(error instanceof Untranslatable)) throw error;
    ctx.report.add(item, `left out: ${error.message}`);
    return null;
  }
  const type = own.type as MonitorType;
  const assertions: Assertion[] = [];
  const expectedValues: string[] = [];
  let minDaysLeft: number | undefined;
  (f.list('conditions') ?? []).forEach((condition, i) => {
    const outcome = translateCondition(String(condition), type);
    if (outcome.kind === 'assertions') assertions.push(...outcome.assertions);
    else if (outcome.kind === 'expected') expectedValues.push(outcome.value);
    else if (outcome.kind === 'minDaysLeft') minDaysLeft = outcome.days;
    else if (outcome.kind === 'unmapped')
      scope.note(`conditions[${i}]`, `"${String(condition)}": ${outcome.reason}`);
  });
  const interval = goDurationMs(f.str('interval') ?? '');
  const linked = linkAlerts(f, scope, group, alerts);
  const labels = Object.entries(f.record('extra-labels') ?? {}).map(([k, v]) =>
    `${k}:${String(v)}`.slice(0, 64),
  );
  const entry = {
    key,
    name,
    ...own,
    ...(assertions.length || type === 'http'
      ? { assertions: [...(own.assertions ?? []), ...assertions] }
      : {}),
    ...(expectedValues.length ? { expectedValues } : {}),
    // Gatus judges a certificate's expiry only when a condition asks; these types would by default.
    ...('minDaysLeft' in checkTypes[type].fields ? { minDaysLeft: minDaysLeft ?? 0 } : {}),
    ...(interval !== undefined && !external ? { intervalSeconds: clamp(interval / 1000, 1, 86_400) } : {}),
    ...clientOptions(f, scope, type),
    ...linked.thresholds,
    ...(f.bool('enabled') === false ? { paused: true } : {}),
    tags: [...(group ? [group.slice(0, 64)] : []), ...labels],
    channels: linked.channels,
  } as MonitorEntry;
  for (const field of f.leftovers()) {
    scope.note(field, gatusReasons[field] ?? `option not imported: no counterpart for a ${type} monitor`);
  }
  return acceptMonitor(entry, item, ctx);
}

/** `host:port` or `[v6]:port`; the port is undefined when absent. */
function hostPort(address: string): { host: string; port?: number } {
  const match = /^(?:\[([^\]]+)\]|([^:/]+|[0-9a-f:]+?))(?::(\d+))?(?:\/.*)?$/i.exec(address);
  const host = match?.[1] ?? match?.[2];
  if (!host) throw new Untranslatable(`"${address}" is not host:port`);
  return { host, ...(match?.[3] ? { port: Number(match[3]) } : {}) };
}

const needPort = (port: number | undefined, url: string) => {
  if (port === undefined) throw new Untranslatable(`${url} has no port`);
  return port;
};

/** The monitor type and its own fields, from the endpoint's URL scheme (or its `dns` block). */
function endpointType(f: Fields, m: MonitorScope): TypeFields {
  const url = need(f, 'url');
  const body = f.str('body');
  const dns = f.record('dns');
  if (dns) {
    const dnsFields = new Fields(dns);
    const recordType = need(dnsFields, 'query-type').toUpperCase();
    if (!(dnsRecordTypes as readonly string[]).includes(recordType)) {
      throw new Untranslatable(`DNS record type ${recordType} is not supported`);
    }
    const host = need(dnsFields, 'query-name').replace(/\.$/, '');
    for (const field of dnsFields.leftovers()) m.note(`dns.${field}`, 'option not imported');
    const resolver = url.replace(/:53$/, '');
    if (!isResolverAddress(resolver))
      m.note('url', `${url} is not an IP address; the system resolver is used`);
    return { type: 'dns', host, recordType, ...(isResolverAddress(resolver) ? { resolver } : {}) };
  }
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  const rest = url.replace(/^[a-z]+:\/\//i, '');
  switch (scheme) {
    case 'http':
    case 'https':
      return httpEndpoint(f, m, url, body);
    case 'tcp': {
      const { host, port } = hostPort(rest);
      return { type: 'tcp', host, port: needPort(port, url), ...(body ? { send: body } : {}) };
    }
    case 'udp': {
      const { host, port } = hostPort(rest);
      if (!body) throw new Untranslatable('a UDP check needs a body (the datagram to send)');
      return { type: 'udp', host, port: needPort(port, url), payload: body };
    }
    case 'icmp':
      return { type: 'ping', host: rest.replace(/^\[|\]$/g, '') };
    case 'tls': {
      const { host, port } = hostPort(rest);
      if (body) m.note('body', 'a TLS check sends nothing after the handshake');
      return { type: 'tls', host, ...(port ? { port } : {}) };
    }
    case 'starttls': {
      const { host, port } = hostPort(rest);
      return { type: 'smtp', host, tls: 'starttls', ...(port ? { port } : {}) };
    }
    case 'grpc':
    case 'grpcs': {
      const { host, port } = hostPort(rest);
      return {
        type: 'grpc',
        host,
        port: needPort(port, url),
        transport: scheme === 'grpcs' ? 'tls' : 'plaintext',
      };
    }
    case 'ws':
    case 'wss': {
      const headers = stringRecord(f.record('headers'));
      return {
        type: 'websocket',
        url: secretUrl(url, m.owner, m.ctx),
        ...(Object.keys(headers).length ? { headers: secretHeaders(headers, m.owner, m.ctx) } : {}),
        ...(body ? { message: body } : {}),
      };
    }
    case 'ssh': {
      const { host, port } = hostPort(rest);
      if (f.record('ssh'))
        m.note('ssh', 'SSH logins and commands are not supported; only the SSH banner is checked');
      return { type: 'tcp', host, port: port ?? 22, expect: 'SSH-' };
    }
    default:
      throw new Untranslatable(`endpoints with ${scheme ? `${scheme}://` : 'this'} URL are not supported`);
  }
}

function httpEndpoint(f: Fields, m: MonitorScope, url: string, body: string | undefined): TypeFields {
  const method = (f.str('method') ?? 'GET').toUpperCase();
  if (!(httpMethods as readonly string[]).includes(method))
    throw new Untranslatable(`method ${method} is not supported`);
  const headers = stringRecord(f.record('headers'));
  const graphql = f.bool('graphql') === true;
  if (graphql && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const sent = graphql && body ? JSON.stringify({ query: body }) : body;
  return {
    type: 'http',
    url: secretUrl(url, m.owner, m.ctx),
    ...(method !== 'GET' ? { method } : {}),
    ...(Object.keys(headers).length ? { headers: secretHeaders(headers, m.owner, m.ctx) } : {}),
    ...(sent ? { body: sent } : {}),
    assertions: [],
  };
}

/** A Gatus external endpoint with a heartbeat: results pushed to Gatus become a heartbeat monitor. */
function externalEndpoint(f: Fields, m: MonitorScope): TypeFields {
  const heartbeat = new Fields(f.record('heartbeat'));
  const period = goDurationMs(heartbeat.str('interval') ?? '');
  if (period === undefined)
    throw new Untranslatable('without heartbeat.interval nothing notices when pushes stop');
  if (f.str('token')) {
    m.note('token', PUSH_URL_CHANGES);
  }
  return { type: 'heartbeat', periodSeconds: clamp(period / 1000, 10, 31_536_000) };
}

/** `client:` options: a timeout, redirects; the rest is reported. */
function clientOptions(f: Fields, m: MonitorScope, type: MonitorType): Record<string, unknown> {
  const client = f.record('client');
  if (!client) return {};
  const c = new Fields(client);
  const timeout = goDurationMs(c.str('timeout') ?? '');
  const noRedirects = c.bool('ignore-redirect') === true;
  if (c.bool('insecure')) m.note('client.insecure', 'certificates are always verified');
  for (const field of c.leftovers()) m.note(`client.${field}`, 'client option not imported');
  return {
    ...(timeout !== undefined && type !== 'heartbeat' ? { timeoutMs: clamp(timeout, 100, 120_000) } : {}),
    ...(noRedirects && type === 'http' ? { followRedirects: false } : {}),
  };
}

/** The endpoint's alerts as channel keys, and its thresholds from them (Gatus: 3 failures, 2 successes). */
function linkAlerts(f: Fields, m: MonitorScope, group: string | undefined, state: AlertState) {
  const channels: string[] = [];
  const failures: number[] = [];
  const successes: number[] = [];
  (f.list('alerts') ?? []).forEach((raw, i) => {
    const given = isRecord(raw) ? raw : {};
    const type = String(given.type ?? '');
    const provider = state.providers.get(type);
    const alert = new Fields({ ...(provider?.defaultAlert ?? {}), ...given });
    alert.skip('type');
    const field = `alerts[${i}]`;
    if (alert.bool('enabled') === false) {
      m.note(field, `the ${type} alert is disabled in Gatus; the monitor is not linked to it`);
      return;
    }
    const key = provider?.channels.get(group ?? '') ?? provider?.channels.get('');
    if (!key) {
      m.note(field, `no ${type} channel was imported (see alerting provider ${type}); not linked`);
      return;
    }
    if (!channels.includes(key)) channels.push(key);
    failures.push(alert.num('failure-threshold') ?? 3);
    successes.push(alert.num('success-threshold') ?? 2);
    if (alert.bool('send-on-resolved') !== true) state.withoutResolved++;
    if (alert.str('description')) m.note(`${field}.description`, 'alerts carry no custom description');
    if (alert.str('minimum-reminder-interval'))
      m.note(`${field}.minimum-reminder-interval`, 'reminders are not imported');
    if (alert.record('provider-override'))
      m.note(`${field}.provider-override`, 'per-alert provider overrides are not imported');
    for (const other of alert.leftovers()) m.note(`${field}.${other}`, 'alert option not imported');
  });
  if (new Set(failures).size > 1 || new Set(successes).size > 1) {
    m.note('alerts', 'the alerts have different thresholds; the monitor takes the lowest of each');
  }
  const thresholds =
    failures.length > 0
      ? {
          failureThreshold: clamp(Math.min(...failures), 1, 20),
          recoveryThreshold: clamp(Math.min(...successes), 1, 20),
        }
      : {};
  return { channels, thresholds };
}

function stringRecord(record: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, String(v)]));
}
