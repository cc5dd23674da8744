import { type Assertion, checkTypes, type MonitorType } from '@sentinelmesh/core';
import { parseDocument } from 'yaml';
import { acceptMonitor, type ImportContext, newContext, result } from './context';
import type { MonitorEntry } from './document';
import { clamp, Fields, isRecord, Untranslatable } from './fields';
import { type AlertState, linkAlerts, translateAlerting } from './gatus-alerting';
import { translateCondition } from './gatus-conditions';
import { goDurationMs } from './gatus-duration';
import { endpointType, externalEndpoint } from './gatus-endpoints';
import { ImportError, type ImportResult } from './report';
import type { MonitorScope, TypeFields } from './scope';

/**
 * Translates a Gatus configuration (`endpoints`, `external-endpoints`, `alerting`) into a
 * SentinelMesh file, and reports what it could not translate.
 */
export function importGatus(yamlText: string): ImportResult {
  const parsed = parseDocument(yamlText);
  const [error] = parsed.errors;
  if (error) throw new ImportError(`not valid YAML: ${error.message}`);
  let config: unknown;
  try {
    config = parsed.toJS();
  } catch (cause) {
    // Too many alias expansions (a YAML bomb) and the like.
    throw new ImportError(`not a usable YAML document: ${(cause as Error).message}`);
  }
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
