import {
  type CreateMonitor,
  type CreateMonitorInput,
  createMonitorSchema,
  defaultTimeoutMs,
  type HttpMethod,
  SECRET_MASK,
  timeoutFollowsInterval,
} from '@sentinelmesh/core';
import type { Monitor } from './api-types';
import {
  type AssertionRow,
  emptyAssertionRow,
  fromAssertion,
  rowValueProblem,
  toAssertion,
} from './assertion-rows';
import { sameValue } from './changes';
import { type FormProblems, friendlyZodErrors, groupProblems, humanizeFieldName } from './field-errors';
import { typeSpec } from './monitor-types';

export interface HeaderRow {
  key: string;
  name: string;
  value: string;
}

/** What the form's inputs hold: strings as typed, lists as rows. */
export interface MonitorFormValues {
  name: string;
  type: string;
  /** Type-specific inputs (url, host, port, ...), by API field name. */
  target: Record<string, string>;
  method: HttpMethod;
  headers: HeaderRow[];
  body: string;
  followRedirects: boolean;
  intervalSeconds: string;
  timeoutMs: string;
  assertions: AssertionRow[];
  regions: string;
  failureThreshold: string;
  recoveryThreshold: string;
  retryIntervalSeconds: string;
  channelIds: string[];
  /** The group's id, or '' for none. */
  groupId: string;
  parentMonitorIds: string[];
  parentGroupIds: string[];
  /** '' : the monitor alerts its channels; undefined: left as it is (not sent). */
  escalationPolicyId?: string | undefined;
  tags: string;
  paused: boolean;
}

export function initialMonitorFormValues(): MonitorFormValues {
  return {
    name: '',
    type: 'http',
    target: {},
    method: 'GET',
    headers: [],
    body: '',
    followRedirects: true,
    intervalSeconds: '60',
    timeoutMs: '',
    assertions: [emptyAssertionRow('status')],
    regions: '',
    failureThreshold: '2',
    recoveryThreshold: '2',
    retryIntervalSeconds: '5',
    channelIds: [],
    groupId: '',
    parentMonitorIds: [],
    parentGroupIds: [],
    tags: '',
    paused: false,
  };
}

/** Where a problem path (client zod issue or server `errors[].path`) is shown: the id of its input. */
export function monitorFieldFor(segments: string[]): string | null {
  const [first, second, third] = segments;
  if (first === undefined) return null;
  if (first === 'assertions') {
    if (second === undefined || !/^\d+$/.test(second)) return 'assertions';
    return `assertion-${second}-${third === 'path' ? 'path' : third === 'op' ? 'op' : 'value'}`;
  }
  if (first === 'headers') return 'headers';
  if (first === 'regions' || first === 'tags' || first === 'channelIds') return first;
  if (first === 'dependsOn') return 'dependsOn';
  return first;
}

/** The labels the form shows for the fields every monitor has; problems are reported under these names. */
export const monitorFieldLabels: Record<string, string> = {
  name: 'Name',
  type: 'What to check',
  method: 'Method',
  intervalSeconds: 'Check every (seconds)',
  timeoutMs: 'Timeout (ms)',
  assertions: 'Assertions',
  headers: 'Headers',
  body: 'Request body',
  followRedirects: 'Follow redirects',
  channelIds: 'Notify these channels',
  groupId: 'Group',
  dependsOn: 'Depends on',
  escalationPolicyId: 'Escalation policy',
  failureThreshold: 'Down after (failed checks in a row)',
  recoveryThreshold: 'Up again after (good checks in a row)',
  retryIntervalSeconds: 'Re-check after a failure (seconds)',
  regions: 'Regions',
  tags: 'Tags',
  paused: 'Paused',
  quorum: 'Quorum',
};

/** The label of the input a problem is shown at (an id from monitorFieldFor), for messages. */
export function monitorFieldLabel(field: string, type: string): string {
  const rule = /^assertion-(\d+)-(path|op|value)$/.exec(field);
  if (rule) return `Assertion rule ${Number(rule[1]) + 1}`;
  if (field === 'intervalSeconds') return intervalText(type).label;
  const own = typeSpec(type).fields.find((f) => f.name === field);
  return own?.label ?? monitorFieldLabels[field] ?? humanizeFieldName(field);
}

/** The ids of the monitor form's inputs, top to bottom, for listing its problems in that order. */
export function monitorFormOrder(
  values: Pick<MonitorFormValues, 'type' | 'assertions' | 'headers'>,
): string[] {
  const rules = values.assertions.flatMap((_, i) =>
    ['path', 'op', 'value'].map((part) => `assertion-${i}-${part}`),
  );
  return [
    'name',
    'type',
    ...typeSpec(values.type).fields.map((field) => field.name),
    'method',
    'intervalSeconds',
    'timeoutMs',
    'assertions',
    ...rules,
    'headers',
    'body',
    'followRedirects',
    'channelIds',
    'groupId',
    'dependsOn',
    'failureThreshold',
    'recoveryThreshold',
    'retryIntervalSeconds',
    'regions',
    'tags',
    'paused',
  ];
}

/** The interval's label and hint: a heartbeat monitor checks for missed pings, the others call their target. */
export function intervalText(type: string): { label: string; hint: string } {
  return type === 'heartbeat'
    ? { label: 'Look for missed pings every (seconds)', hint: 'How soon a missed ping is noticed.' }
    : { label: monitorFieldLabels.intervalSeconds ?? 'Check every (seconds)', hint: 'From 1 s to 1 day.' };
}

/** What an empty timeout input stands for: the default of the interval typed, which follows it. */
export function timeoutPlaceholder(intervalSeconds: string): string {
  const interval = Number(intervalSeconds.trim() || '60');
  return Number.isInteger(interval) && interval > 0
    ? `Default: ${defaultTimeoutMs(interval)}`
    : 'Default: follows the interval';
}

const list = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** The JSON typed; text that is not JSON is sent as it is, so the API's schema names the field. */
function jsonField(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** A boolean select's choice; anything else is sent as it is, so the API's schema names the field. */
function booleanField(raw: string): unknown {
  return raw === 'true' ? true : raw === 'false' ? false : raw;
}

/** Empty stays undefined so the API default applies; anything else must parse as a number. */
function numberField(value: string | undefined): number | undefined {
  const trimmed = (value ?? '').trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

/** The POST /v1/monitors body the form describes, before validation. */
export function toMonitorInput(values: MonitorFormValues): Record<string, unknown> {
  const spec = typeSpec(values.type);
  const input: Record<string, unknown> = {
    type: values.type,
    name: values.name,
    intervalSeconds: numberField(values.intervalSeconds),
    timeoutMs: numberField(values.timeoutMs),
    failureThreshold: numberField(values.failureThreshold),
    recoveryThreshold: numberField(values.recoveryThreshold),
    retryIntervalSeconds: numberField(values.retryIntervalSeconds),
    regions: list(values.regions).length > 0 ? list(values.regions) : undefined,
    channelIds: values.channelIds,
    groupId: values.groupId === '' ? null : values.groupId,
    dependsOn: { monitorIds: values.parentMonitorIds, groupIds: values.parentGroupIds },
    ...(values.escalationPolicyId === undefined
      ? {}
      : { escalationPolicyId: values.escalationPolicyId === '' ? null : values.escalationPolicyId }),
    tags: list(values.tags),
    paused: values.paused,
  };
  // Hidden inputs keep nothing the user could see: their fields are left to the API's defaults.
  for (const field of spec.omits) delete input[field];
  for (const field of spec.fields) {
    const raw = values.target[field.name] ?? field.initial ?? '';
    if (field.optional && raw.trim() === '') continue;
    if (field.kind === 'number') input[field.name] = numberField(raw);
    else if (field.kind === 'list') input[field.name] = list(raw);
    else if (field.kind === 'json') input[field.name] = jsonField(raw);
    else if (field.boolean) input[field.name] = booleanField(raw);
    else input[field.name] = field.kind === 'select' || field.secret ? raw : raw.trim();
  }
  if (spec.assertionSources.length > 0) input.assertions = values.assertions.map(toAssertion);
  if (values.type === 'http') {
    input.method = values.method;
    input.headers = Object.fromEntries(
      values.headers.filter((h) => h.name.trim() !== '').map((h) => [h.name.trim(), h.value]),
    );
    input.body = values.body === '' ? null : values.body;
    input.followRedirects = values.followRedirects;
  }
  return input;
}

export type MonitorFormValidation =
  | { ok: true; input: CreateMonitor }
  | ({ ok: false } & FormProblems<string>);

/** Validates with the same schema the API uses, so most mistakes are caught before a round trip. */
export function validateMonitorForm(values: MonitorFormValues): MonitorFormValidation {
  const parsed = createMonitorSchema.safeParse(toMonitorInput(values), { error: friendlyZodErrors });
  const rowProblems: Record<string, string> = {};
  if (typeSpec(values.type).assertionSources.length > 0) {
    values.assertions.forEach((row, i) => {
      const problem = rowValueProblem(row);
      if (problem) rowProblems[`assertion-${i}-value`] = problem;
    });
  }
  if (parsed.success && Object.keys(rowProblems).length === 0) return { ok: true, input: parsed.data };
  const problems = groupProblems(parsed.success ? [] : parsed.error.issues, monitorFieldFor);
  return { ok: false, fields: { ...problems.fields, ...rowProblems }, form: problems.form };
}

/**
 * Validates an edit: the form's own rules, and regions may not be emptied (a PATCH cannot ask for
 * "every region", so an empty input would silently keep the old ones).
 */
export function validateMonitorEdit(
  loaded: MonitorFormValues,
  edited: MonitorFormValues,
): MonitorFormValidation {
  const validation = validateMonitorForm(edited);
  const emptied = loaded.regions.trim() !== '' && list(edited.regions).length === 0;
  if (!emptied || typeSpec(edited.type).omits.includes('regions')) return validation;
  const regions = 'Name at least one region';
  return validation.ok
    ? { ok: false, fields: { regions }, form: [] }
    : { ...validation, fields: { ...validation.fields, regions } };
}

/** The form filled in with a stored monitor, for editing. */
export function monitorToFormValues(monitor: Monitor): MonitorFormValues {
  const record: Record<string, unknown> = monitor;
  const target: Record<string, string> = {};
  for (const field of typeSpec(monitor.type).fields) {
    const value = record[field.name];
    if (field.kind === 'json') target[field.name] = JSON.stringify(value ?? null, null, 2);
    else if (Array.isArray(value)) target[field.name] = value.join(', ');
    else if (value !== undefined && value !== null) target[field.name] = String(value);
  }
  const http = monitor.type === 'http' ? monitor : null;
  return {
    ...initialMonitorFormValues(),
    name: monitor.name,
    type: monitor.type,
    target,
    method: http?.method ?? 'GET',
    headers: Object.entries(http?.headers ?? {}).map(([name, value], i) => ({ key: `h${i}`, name, value })),
    body: http?.body ?? '',
    followRedirects: http?.followRedirects ?? true,
    intervalSeconds: String(monitor.intervalSeconds),
    // A timeout nobody chose is shown as the default it is (a placeholder), so it keeps following the interval.
    timeoutMs: timeoutFollowsInterval(monitor) ? '' : String(monitor.timeoutMs),
    assertions: (monitor.assertions ?? []).map(fromAssertion),
    regions: monitor.regions.join(', '),
    failureThreshold: String(monitor.failureThreshold),
    recoveryThreshold: String(monitor.recoveryThreshold),
    retryIntervalSeconds: String(monitor.retryIntervalSeconds),
    channelIds: monitor.channelIds ?? [],
    groupId: monitor.groupId ?? '',
    parentMonitorIds: monitor.dependsOn?.monitorIds ?? [],
    parentGroupIds: monitor.dependsOn?.groupIds ?? [],
    ...(monitor.escalationPolicyId ? { escalationPolicyId: monitor.escalationPolicyId } : {}),
    tags: (monitor.tags ?? []).join(', '),
    paused: monitor.paused,
  };
}

/**
 * True when a value holds the API's mask of a stored secret. The form sends masks back untouched,
 * which keeps the stored value; typing over one replaces it.
 */
export const holdsStoredSecret = (value: string | undefined) => (value ?? '').includes(SECRET_MASK);

export const STORED_SECRET_HINT = `${SECRET_MASK} stands for a stored secret, never shown again: leave it to keep it, type a new value to replace it.`;

/**
 * A POST body from a validated form: only what the form holds, so a default it merely shows (an
 * empty timeout, a field a heartbeat hides) is left to the API rather than sent as if chosen.
 */
export function toMonitorCreate(input: CreateMonitor, values: MonitorFormValues): CreateMonitorInput {
  const held = toMonitorInput(values);
  return Object.fromEntries(
    Object.entries(input).filter(([key]) => held[key] !== undefined),
  ) as CreateMonitorInput;
}

/**
 * A PATCH body from a validated edit form: only the fields the user changed from what was loaded,
 * never `type`. A default the form only shows (an empty timeout) is not sent, so the API keeps
 * following it; a cleared timeout sends its interval's default, which follows the interval again.
 */
export function toMonitorPatch(
  input: CreateMonitor,
  loaded: MonitorFormValues,
  edited: MonitorFormValues,
): Record<string, unknown> {
  const before = toMonitorInput(loaded);
  const after = toMonitorInput(edited);
  const validated: Record<string, unknown> = input;
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'type' || sameValue(before[key], after[key])) continue;
    if (validated[key] !== undefined) patch[key] = validated[key];
  }
  return patch;
}
