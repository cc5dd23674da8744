import { z } from 'zod';
import { type Assertion, assertionSchema, defaultAssertions } from './assertion';

export const monitorTypes = ['http', 'tcp'] as const;
export type MonitorType = (typeof monitorTypes)[number];
export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const monitorStatuses = ['pending', 'up', 'down', 'flapping', 'paused', 'maintenance'] as const;
export type MonitorStatus = (typeof monitorStatuses)[number];

export const MAX_INTERVAL_SECONDS = 86_400;
export const regionName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a region is 1-32 lowercase letters, digits or dashes');

const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'not a valid header name');
const headerValue = z
  .string()
  .max(8192)
  .regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks');

/** Fields every monitor type shares, without defaults (PATCH uses them as they are). */
const commonFields = {
  name: z.string().trim().min(1).max(200),
  intervalSeconds: z.number().int().min(1).max(MAX_INTERVAL_SECONDS),
  timeoutMs: z.number().int().min(100).max(120_000),
  assertions: z.array(assertionSchema).max(50),
  regions: z.array(regionName).min(1).max(20),
  failureThreshold: z.number().int().min(1).max(20),
  recoveryThreshold: z.number().int().min(1).max(20),
  retryIntervalSeconds: z.number().int().min(1).max(3600),
  channelIds: z.array(z.string().min(1).max(64)).max(50),
  tags: z.array(z.string().trim().min(1).max(64)).max(50),
  paused: z.boolean(),
};

const httpFields = {
  url: httpUrl,
  method: z.enum(httpMethods),
  headers: z.record(headerName, headerValue).refine((h) => Object.keys(h).length <= 50, 'at most 50 headers'),
  body: z.string().max(65_536).nullable(),
  followRedirects: z.boolean(),
};

const tcpFields = {
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65_535),
};

const withDefaults = {
  intervalSeconds: commonFields.intervalSeconds.default(60),
  timeoutMs: commonFields.timeoutMs.optional(),
  assertions: commonFields.assertions.default(defaultAssertions),
  regions: commonFields.regions.optional(),
  failureThreshold: commonFields.failureThreshold.default(2),
  recoveryThreshold: commonFields.recoveryThreshold.default(2),
  retryIntervalSeconds: commonFields.retryIntervalSeconds.default(5),
  channelIds: commonFields.channelIds.default([]),
  tags: commonFields.tags.default([]),
  paused: commonFields.paused.default(false),
};

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
});

/** Body of POST /v1/monitors. `regions` stays optional: the deployment fills in its own. */
export const createMonitorSchema = z
  .discriminatedUnion('type', [httpMonitorInput, tcpMonitorInput])
  .transform(resolveTimeout)
  .superRefine(timeoutBelowInterval);
export type CreateMonitorInput = z.input<typeof createMonitorSchema>;
export type CreateMonitor = z.output<typeof createMonitorSchema>;

/** Body of PATCH /v1/monitors/:id: any subset of the fields; the merged monitor is validated again. */
export const updateMonitorSchema = z
  .strictObject({
    ...commonFields,
    ...httpFields,
    ...tcpFields,
  })
  .partial();
export type UpdateMonitor = z.infer<typeof updateMonitorSchema>;

/** A monitor's configuration as stored: every field resolved. */
export type MonitorConfig = z.output<typeof monitorConfigSchema>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A monitor's configuration as the `monitors` table keeps it: channel links live in their own table. */
export type StoredMonitorConfig = DistributiveOmit<MonitorConfig, 'channelIds'>;

/** Validates a whole monitor configuration (create after defaults, or an existing one after a patch). */
export const monitorConfigSchema = z
  .discriminatedUnion('type', [
    httpMonitorInput.extend({ regions: commonFields.regions, timeoutMs: commonFields.timeoutMs }),
    tcpMonitorInput.extend({ regions: commonFields.regions, timeoutMs: commonFields.timeoutMs }),
  ])
  .superRefine(timeoutBelowInterval);

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

/** What a worker needs to run one check of a monitor: carried in the job, so a check costs no database read. */
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
  timeoutMs: z.number().int(),
  intervalSeconds: z.number().int(),
  assertions: z.array(z.custom<Assertion>()),
});
export type CheckSpec = z.infer<typeof checkSpecSchema>;

/** The check-relevant subset of a monitor. */
export function toCheckSpec(orgId: string, id: string, config: StoredMonitorConfig): CheckSpec {
  const base = {
    id,
    orgId,
    name: config.name,
    timeoutMs: config.timeoutMs,
    intervalSeconds: config.intervalSeconds,
    assertions: config.assertions,
  };
  if (config.type === 'http') {
    return {
      ...base,
      type: 'http',
      url: config.url,
      method: config.method,
      headers: config.headers,
      body: config.body,
      followRedirects: config.followRedirects,
    };
  }
  return { ...base, type: 'tcp', host: config.host, port: config.port };
}
