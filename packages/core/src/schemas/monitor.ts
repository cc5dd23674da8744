import { z } from 'zod';
import { hasMasks, maskSecrets } from '../monitor-secrets';
import type { Assertion } from './assertion';
import {
  assertionSourcesByType,
  commonFields,
  dnsFields,
  dnsRecordTypes,
  heartbeatFields,
  heartbeatToken,
  httpFields,
  httpMethods,
  type MonitorType,
  monitorTypes,
  payloadEncodings,
  tcpFields,
  tcpPayloadFields,
  tlsFields,
  withDefaults,
} from './monitor-fields';

export * from './monitor-fields';

export const monitorStatuses = ['pending', 'up', 'down', 'flapping', 'paused', 'maintenance'] as const;
export type MonitorStatus = (typeof monitorStatuses)[number];

/** The timeout a monitor gets when none is given: 10 s, or 80% of a shorter interval. */
export function defaultTimeoutMs(intervalSeconds: number): number {
  return Math.min(10_000, Math.floor(intervalSeconds * 800));
}

function resolveTimeout<T extends { timeoutMs?: number | undefined; intervalSeconds: number }>(m: T) {
  return { ...m, timeoutMs: m.timeoutMs ?? defaultTimeoutMs(m.intervalSeconds) };
}

function timeoutBelowInterval(m: { timeoutMs: number; intervalSeconds: number }, ctx: z.RefinementCtx) {
  if (m.timeoutMs >= m.intervalSeconds * 1000) {
    ctx.addIssue({ code: 'custom', message: 'timeoutMs must be below the interval', path: ['timeoutMs'] });
  }
}

export const httpMonitorInput = z.strictObject({
  type: z.literal('http'),
  name: commonFields.name,
  ...withDefaults,
  url: httpFields.url,
  method: httpFields.method.default('GET'),
  headers: httpFields.headers.default({}),
  body: httpFields.body.default(null),
  followRedirects: httpFields.followRedirects.default(true),
});

export const tcpMonitorInput = z.strictObject({
  type: z.literal('tcp'),
  name: commonFields.name,
  ...withDefaults,
  ...tcpFields,
  send: tcpPayloadFields.send.optional(),
  expect: tcpPayloadFields.expect.optional(),
  payloadEncoding: tcpPayloadFields.payloadEncoding.optional(),
});

const noAssertionDefaults = { ...withDefaults, assertions: commonFields.assertions.default([]) };

export const dnsMonitorInput = z.strictObject({
  type: z.literal('dns'),
  name: commonFields.name,
  ...noAssertionDefaults,
  host: dnsFields.host,
  recordType: dnsFields.recordType.default('A'),
  expectedValues: dnsFields.expectedValues.default([]),
  resolver: dnsFields.resolver.optional(),
});

export const tlsMonitorInput = z.strictObject({
  type: z.literal('tls'),
  name: commonFields.name,
  ...noAssertionDefaults,
  host: tlsFields.host,
  port: tlsFields.port.default(443),
  servername: tlsFields.servername.optional(),
  minDaysLeft: tlsFields.minDaysLeft.default(14),
});

export const heartbeatMonitorInput = z.strictObject({
  type: z.literal('heartbeat'),
  name: commonFields.name,
  ...noAssertionDefaults,
  periodSeconds: heartbeatFields.periodSeconds,
  graceSeconds: heartbeatFields.graceSeconds.default(60),
});

/** Each type's input schema, by type (PATCH checks a patch's fields against its monitor's type). */
export const monitorInputs = {
  http: httpMonitorInput,
  tcp: tcpMonitorInput,
  dns: dnsMonitorInput,
  tls: tlsMonitorInput,
  heartbeat: heartbeatMonitorInput,
} as const;

/** Assertions a type has nothing to judge with are refused (TCP keeps its old leniency). */
function assertionsFitType(m: { type: MonitorType; assertions: Assertion[] }, ctx: z.RefinementCtx) {
  if (m.type === 'http' || m.type === 'tcp') return;
  const allowed = assertionSourcesByType[m.type];
  m.assertions.forEach((a, i) => {
    if (!allowed.includes(a.source)) {
      const which = allowed.length ? `only ${allowed.join(', ')}` : 'no assertions';
      ctx.addIssue({
        code: 'custom',
        message: `${m.type} monitors take ${which}; ${a.source} does not apply`,
        path: ['assertions', i, 'source'],
      });
    }
  });
}

/** Body of POST /v1/monitors. `regions` stays optional: the deployment fills in its own. */
export const createMonitorSchema = z
  .discriminatedUnion('type', [
    httpMonitorInput,
    tcpMonitorInput,
    dnsMonitorInput,
    tlsMonitorInput,
    heartbeatMonitorInput,
  ])
  .transform(resolveTimeout)
  .superRefine(timeoutBelowInterval)
  .superRefine(assertionsFitType);
export type CreateMonitorInput = z.input<typeof createMonitorSchema>;
export type CreateMonitor = z.output<typeof createMonitorSchema>;

/** Body of PATCH /v1/monitors/:id: any subset of the fields; the merged monitor is validated again. */
export const updateMonitorSchema = z
  .strictObject({
    ...commonFields,
    ...httpFields,
    ...tcpFields,
    ...tcpPayloadFields,
    recordType: dnsFields.recordType,
    expectedValues: dnsFields.expectedValues,
    resolver: dnsFields.resolver,
    servername: tlsFields.servername,
    minDaysLeft: tlsFields.minDaysLeft,
    ...heartbeatFields,
  })
  .partial();
export type UpdateMonitor = z.infer<typeof updateMonitorSchema>;

/** A monitor's configuration as stored: every field resolved. */
export type MonitorConfig = z.output<typeof monitorConfigSchema>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A monitor's configuration as the `monitors` table keeps it: channel links live in their own table. */
export type StoredMonitorConfig = DistributiveOmit<MonitorConfig, 'channelIds'>;

const resolved = { regions: commonFields.regions, timeoutMs: commonFields.timeoutMs };

/** A heartbeat monitor as stored: with the token of its ping URL. */
export const heartbeatMonitorStored = heartbeatMonitorInput.extend({ ...resolved, heartbeatToken });

/** Validates a whole monitor configuration (create after defaults, or an existing one after a patch). */
export const monitorConfigSchema = z
  .discriminatedUnion('type', [
    httpMonitorInput.extend(resolved),
    tcpMonitorInput.extend(resolved),
    dnsMonitorInput.extend(resolved),
    tlsMonitorInput.extend(resolved),
    heartbeatMonitorStored,
  ])
  .superRefine(timeoutBelowInterval)
  .superRefine(assertionsFitType);

export interface MonitorState {
  status: MonitorStatus;
  since: string | null;
  lastCheckedAt: string | null;
  lastLatencyMs: number | null;
  lastError: { kind: string; message: string } | null;
}

export type Monitor = MonitorConfig & {
  id: string;
  createdAt: string;
  updatedAt: string;
  state: MonitorState;
};

/**
 * What a worker needs to run one check of a monitor: carried in the job, so a check costs no database
 * read. Secret values are masked: a worker fills them from the monitor's sealed secrets, which it
 * caches per `secretsVersion` (the monitor's `updated_at` in ms when the spec was built).
 */
export const checkSpecSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  type: z.enum(monitorTypes),
  name: z.string(),
  url: z.string().optional(),
  method: z.enum(httpMethods).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().nullable().optional(),
  followRedirects: z.boolean().optional(),
  host: z.string().optional(),
  port: z.number().int().optional(),
  send: z.string().optional(),
  expect: z.string().optional(),
  payloadEncoding: z.enum(payloadEncodings).optional(),
  recordType: z.enum(dnsRecordTypes).optional(),
  expectedValues: z.array(z.string()).optional(),
  resolver: z.string().optional(),
  servername: z.string().optional(),
  minDaysLeft: z.number().int().optional(),
  periodSeconds: z.number().int().optional(),
  graceSeconds: z.number().int().optional(),
  timeoutMs: z.number().int(),
  intervalSeconds: z.number().int(),
  assertions: z.array(z.custom<Assertion>()),
  secretsVersion: z.number().int().optional(),
});
export type CheckSpec = z.infer<typeof checkSpecSchema>;

/** Drops the keys whose value is undefined, so optional fields stay absent in job payloads. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The check-relevant subset of a monitor, secrets masked (a heartbeat's token stays out of job
 * payloads too). `version` is the monitor's `updated_at` in ms, carried only when there are masks.
 */
export function toCheckSpec(
  orgId: string,
  id: string,
  config: StoredMonitorConfig,
  version?: number,
): CheckSpec {
  const base = {
    id,
    orgId,
    name: config.name,
    timeoutMs: config.timeoutMs,
    intervalSeconds: config.intervalSeconds,
    assertions: config.assertions,
  };
  switch (config.type) {
    case 'http': {
      const { url, headers } = maskSecrets(config);
      const masked = hasMasks({ type: 'http', url, headers });
      return {
        ...base,
        type: 'http',
        url,
        method: config.method,
        headers,
        body: config.body,
        followRedirects: config.followRedirects,
        ...(masked && version !== undefined ? { secretsVersion: version } : {}),
      };
    }
    case 'tcp':
      return defined({
        ...base,
        type: 'tcp',
        host: config.host,
        port: config.port,
        send: config.send,
        expect: config.expect,
        payloadEncoding: config.payloadEncoding,
      });
    case 'dns':
      return defined({
        ...base,
        type: 'dns',
        host: config.host,
        recordType: config.recordType,
        expectedValues: config.expectedValues,
        resolver: config.resolver,
      });
    case 'tls':
      return defined({
        ...base,
        type: 'tls',
        host: config.host,
        port: config.port,
        servername: config.servername,
        minDaysLeft: config.minDaysLeft,
      });
    case 'heartbeat':
      return {
        ...base,
        type: 'heartbeat',
        periodSeconds: config.periodSeconds,
        graceSeconds: config.graceSeconds,
      };
  }
}
