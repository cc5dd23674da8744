import { z } from 'zod';
import { type CheckSpec, type CheckType, checkTypes, eachCheckType, type MonitorType } from '../check-types';
import { hasMasks, maskSecrets } from '../monitor-secrets';
import type { Assertion } from './assertion';
import { commonFields } from './monitor-fields';

export * from './monitor-fields';

export const monitorStatuses = ['pending', 'up', 'down', 'flapping', 'paused', 'maintenance'] as const;
export type MonitorStatus = (typeof monitorStatuses)[number];

/** The timeout a monitor gets when none is given: 10 s, or 80% of a shorter interval. */
export function defaultTimeoutMs(intervalSeconds: number): number {
  return Math.min(10_000, Math.floor(intervalSeconds * 800));
}

/**
 * True when a monitor's timeout is its interval's default: then it was not chosen, and it keeps
 * following the interval when that changes.
 */
export function timeoutFollowsInterval(m: { timeoutMs: number; intervalSeconds: number }): boolean {
  return m.timeoutMs === defaultTimeoutMs(m.intervalSeconds);
}

function resolveTimeout<T extends { timeoutMs?: number | undefined; intervalSeconds: number }>(m: T) {
  return { ...m, timeoutMs: m.timeoutMs ?? defaultTimeoutMs(m.intervalSeconds) };
}

const TIMEOUT_ABOVE_INTERVAL = 'must be shorter than the interval';

type Timing = { timeoutMs?: number | undefined; intervalSeconds?: number | undefined };

function timeoutBelowInterval(m: Timing, ctx: z.RefinementCtx) {
  if (m.timeoutMs === undefined || m.intervalSeconds === undefined) return;
  if (m.timeoutMs >= m.intervalSeconds * 1000) {
    ctx.addIssue({ code: 'custom', message: TIMEOUT_ABOVE_INTERVAL, path: ['timeoutMs'] });
  }
}

const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;

/**
 * The timeout rule as `superRefine` arguments: it runs as soon as both numbers are there, even when
 * other fields fail, so every problem is reported at once.
 */
export const timeoutRule = [
  timeoutBelowInterval,
  {
    when: (payload: z.core.ParsePayload) => {
      const m = payload.value as Timing | null;
      return typeof m === 'object' && m !== null && isCount(m.timeoutMs) && isCount(m.intervalSeconds);
    },
  },
] as const;

/** Assertions a type has nothing to judge with are refused (TCP keeps its old leniency). */
export function assertionsFitType(m: { type: MonitorType; assertions: Assertion[] }, ctx: z.RefinementCtx) {
  const { lenient, sources: allowed }: CheckType['assertions'] = checkTypes[m.type].assertions;
  if (lenient) return;
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
  .discriminatedUnion(
    'type',
    eachCheckType((t) => t.input),
  )
  .superRefine(...timeoutRule)
  .transform(resolveTimeout)
  .superRefine(assertionsFitType);
export type CreateMonitorInput = z.input<typeof createMonitorSchema>;
export type CreateMonitor = z.output<typeof createMonitorSchema>;

/** A field as PATCH takes it: without the default its create input fills in. */
function bare(field: z.core.$ZodType): z.core.$ZodType {
  return field instanceof z.ZodDefault || field instanceof z.ZodOptional ? field.unwrap() : field;
}

/** A rule with a refinement, which its JSON Schema does not show. */
const refined = (rule: z.core.$ZodType) =>
  (rule._zod.def.checks ?? []).some((check) => check._zod.def.check === 'custom');

/** Two field rules that accept the same values (the same JSON Schema, no refinement), so one is enough. */
function sameRule(a: z.core.$ZodType, b: z.core.$ZodType): boolean {
  if (a === b) return true;
  if (refined(a) || refined(b)) return false;
  try {
    return JSON.stringify(z.toJSONSchema(a)) === JSON.stringify(z.toJSONSchema(b));
  } catch {
    return false;
  }
}

/**
 * Every type's own fields, bare. A name two types share takes a value either type's rules accept
 * (a WebSocket's ws:// `url` as well as an HTTP one); the merged monitor is then validated whole,
 * by its own type's rules.
 */
function patchFields(): Record<string, z.core.$ZodType> {
  const rules = new Map<string, z.core.$ZodType[]>();
  for (const type of Object.values(checkTypes)) {
    for (const [name, field] of Object.entries(type.fields)) {
      const seen = rules.get(name) ?? [];
      const rule = bare(field);
      if (!seen.some((other) => sameRule(other, rule))) seen.push(rule);
      rules.set(name, seen);
    }
  }
  const fields: Record<string, z.core.$ZodType> = {};
  for (const [name, [first, ...more]] of rules) {
    if (first) fields[name] = more.length === 0 ? first : z.union([first, ...more]);
  }
  return fields;
}

/** Body of PATCH /v1/monitors/:id: any subset of the fields; the merged monitor is validated again. */
export const updateMonitorSchema = z.strictObject({ ...commonFields, ...patchFields() }).partial();
export type UpdateMonitor = z.infer<typeof updateMonitorSchema>;

/** A monitor's configuration as stored: every field resolved. */
export type MonitorConfig = z.output<typeof monitorConfigSchema>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Fields kept in their own tables (channel links, group, parents, escalation policy), never in the stored config. */
export const linkFields = ['channelIds', 'groupId', 'dependsOn', 'escalationPolicyId'] as const;

/** A monitor's configuration as the `monitors` table keeps it: links live in their own tables. */
export type StoredMonitorConfig = DistributiveOmit<MonitorConfig, (typeof linkFields)[number]>;

/** Validates a whole monitor configuration (create after defaults, or an existing one after a patch). */
export const monitorConfigSchema = z
  .discriminatedUnion(
    'type',
    eachCheckType((t) => t.config),
  )
  .superRefine(...timeoutRule)
  .superRefine(assertionsFitType);

export interface MonitorState {
  status: MonitorStatus;
  since: string | null;
  lastCheckedAt: string | null;
  lastLatencyMs: number | null;
  lastError: { kind: string; message: string } | null;
}

export type Monitor = MonitorConfig & {
  /** Always present in a response: the channel list as resolved at creation (defaults) or set later. */
  channelIds: string[];
  /** The monitor's group, or null. */
  groupId: string | null;
  /** The monitors and groups this one depends on. */
  dependsOn: { monitorIds: string[]; groupIds: string[] };
  /** The escalation policy its incidents climb; null: its channels are alerted. */
  escalationPolicyId: string | null;
  id: string;
  createdAt: string;
  updatedAt: string;
  /** The key a sentinelmesh.yaml names it by (migration 0025); null if none. */
  key: string | null;
  /** Owned by an apply from a file. */
  managed: boolean;
  state: MonitorState;
};

/** Drops the keys whose value is undefined, so optional fields stay absent in job payloads. */
function defined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/**
 * The check-relevant subset of a monitor: its type's fields, secrets masked (a heartbeat's token
 * stays out of job payloads too). `version` is the monitor's `updated_at` in ms, carried only when
 * there are masks.
 */
export function toCheckSpec(
  orgId: string,
  id: string,
  config: StoredMonitorConfig,
  version?: number,
): CheckSpec {
  const masked = maskSecrets(config);
  const values: Record<string, unknown> = masked;
  const own = Object.keys(checkTypes[config.type].fields).map((name) => [name, values[name]]);
  return {
    id,
    orgId,
    name: config.name,
    timeoutMs: config.timeoutMs,
    intervalSeconds: config.intervalSeconds,
    assertions: config.assertions,
    type: config.type,
    ...defined(Object.fromEntries(own)),
    ...(version !== undefined && hasMasks(masked) ? { secretsVersion: version } : {}),
  } as CheckSpec;
}
