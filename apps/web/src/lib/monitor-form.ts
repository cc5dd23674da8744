import {
  type CreateMonitor,
  createMonitorSchema,
  type httpMethods,
  type MonitorType,
} from '@sentinelmesh/core';
import { type FieldErrors, type FormProblems, friendlyZodErrors, groupProblems } from './field-errors';

export type HttpMethod = (typeof httpMethods)[number];

/** What the form's inputs hold: strings, as typed. */
export interface MonitorFormValues {
  name: string;
  type: MonitorType;
  url: string;
  method: HttpMethod;
  host: string;
  port: string;
  intervalSeconds: string;
  timeoutMs: string;
  statusLow: string;
  statusHigh: string;
  failureThreshold: string;
  retryIntervalSeconds: string;
}

/** Fields that can carry an error message; the status range shows one message for both inputs. */
export type MonitorFormField = Exclude<keyof MonitorFormValues, 'statusLow' | 'statusHigh'> | 'statusRange';

export const initialMonitorFormValues: MonitorFormValues = {
  name: '',
  type: 'http',
  url: '',
  method: 'GET',
  host: '',
  port: '',
  intervalSeconds: '60',
  timeoutMs: '',
  statusLow: '200',
  statusHigh: '399',
  failureThreshold: '2',
  retryIntervalSeconds: '5',
};

const directFields = new Set<string>([
  'name',
  'type',
  'url',
  'method',
  'host',
  'port',
  'intervalSeconds',
  'timeoutMs',
  'failureThreshold',
  'retryIntervalSeconds',
]);

/** Which input a problem path (client zod issue or server `errors[].path`) belongs to. */
export function monitorFieldFor(segments: string[]): MonitorFormField | null {
  const [first] = segments;
  if (first === undefined) return null;
  if (first === 'assertions') return 'statusRange';
  return directFields.has(first) ? (first as MonitorFormField) : null;
}

/** Empty stays undefined so the API default applies; anything else must parse as a number. */
function numberField(value: string): number | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

function statusRangeProblem(values: MonitorFormValues): string | null {
  const low = values.statusLow.trim();
  const high = values.statusHigh.trim();
  if (low === '' && high === '') return null;
  const range = [Number(low), Number(high)];
  if (
    low === '' ||
    high === '' ||
    !range.every((code) => Number.isInteger(code) && code >= 100 && code <= 599)
  ) {
    return 'Enter two status codes from 100 to 599';
  }
  if ((range[0] ?? 0) > (range[1] ?? 0)) return 'The first status code must not be above the second';
  return null;
}

/** The POST /v1/monitors body the form describes, before validation. */
export function toMonitorInput(values: MonitorFormValues): Record<string, unknown> {
  const statusGiven = values.statusLow.trim() !== '' || values.statusHigh.trim() !== '';
  const common = {
    name: values.name,
    intervalSeconds: numberField(values.intervalSeconds),
    timeoutMs: numberField(values.timeoutMs),
    failureThreshold: numberField(values.failureThreshold),
    retryIntervalSeconds: numberField(values.retryIntervalSeconds),
  };
  if (values.type === 'tcp') {
    return { type: 'tcp', ...common, host: values.host, port: numberField(values.port) };
  }
  return {
    type: 'http',
    ...common,
    url: values.url.trim(),
    method: values.method,
    assertions: statusGiven
      ? [
          {
            source: 'status',
            op: 'between',
            value: [Number(values.statusLow), Number(values.statusHigh)],
          },
        ]
      : undefined,
  };
}

export type MonitorFormValidation =
  | { ok: true; input: CreateMonitor }
  | ({ ok: false } & FormProblems<MonitorFormField>);

/** Validates with the same schema the API uses, so most mistakes are caught before a round trip. */
export function validateMonitorForm(values: MonitorFormValues): MonitorFormValidation {
  const parsed = createMonitorSchema.safeParse(toMonitorInput(values), { error: friendlyZodErrors });
  const statusProblem = values.type === 'http' ? statusRangeProblem(values) : null;
  if (parsed.success && statusProblem === null) return { ok: true, input: parsed.data };

  const problems = groupProblems(parsed.success ? [] : parsed.error.issues, monitorFieldFor);
  if (statusProblem !== null) problems.fields.statusRange = statusProblem;
  return { ok: false, ...problems };
}

export function hasErrors(errors: FieldErrors<string>): boolean {
  return Object.keys(errors).length > 0;
}
