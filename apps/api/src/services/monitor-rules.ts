import {
  type CheckType,
  type CreateMonitor,
  checkTypes,
  defaultTimeoutMs,
  type FieldProblem,
  type MonitorConfig,
  monitorConfigSchema,
  monitorTargetHosts,
  type StoredMonitorConfig,
  timeoutFollowsInterval,
  type UpdateMonitor,
} from '@sentinelmesh/core';
import { internalDnsName, obviouslyPrivateHost } from '@sentinelmesh/platform';
import type { ApiConfig } from '../context';
import { apiErrors } from '../errors';
import { zodFieldProblems } from '../http/field-problems';
import { newHeartbeatToken } from './heartbeats';
import type { RegionRules } from './region-rules';

/** The deployment's settings with the regions the organization may use. */
export type RuleSettings = ApiConfig & { regionRules: RegionRules };

const invalid = (errors: FieldProblem[]) => apiErrors.invalid('monitor', errors);

/** Types only a worker can run: a heartbeat reads its pings from Postgres, a browser check needs the pool. */
const WORKER_ONLY_TYPES: ReadonlySet<string> = new Set(['heartbeat', 'browser']);

/**
 * What this deployment allows beyond the schema: its regions (REGIONS, its probe regions and the
 * organization's private locations) and its minimum interval.
 */
export function deploymentProblems(
  config: Pick<StoredMonitorConfig, 'type' | 'regions' | 'intervalSeconds'>,
  settings: Pick<RuleSettings, 'regionRules' | 'MIN_INTERVAL_SECONDS' | 'REGIONS'>,
  check: { regions: boolean; interval: boolean },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const unknown = config.regions.filter((r) => !settings.regionRules.allowed(r));
  if (check.regions && unknown.length > 0) {
    problems.push({
      path: 'regions',
      message: `unknown region(s) ${unknown.join(', ')}; this organization can use ${settings.regionRules.names().join(', ')}`,
    });
  }
  // A probe reads no database (heartbeat pings) and runs no browser pool: those types stay on workers.
  const probeRegions = config.regions.filter(
    (r) => settings.regionRules.allowed(r) && !settings.REGIONS.includes(r),
  );
  if (check.regions && WORKER_ONLY_TYPES.has(config.type) && probeRegions.length > 0) {
    problems.push({
      path: 'regions',
      message: `${config.type} checks run only in worker regions (${settings.REGIONS.join(', ')}); ${probeRegions.join(', ')} is served by probes`,
    });
  }
  if (check.interval && config.intervalSeconds < settings.MIN_INTERVAL_SECONDS) {
    problems.push({
      path: 'intervalSeconds',
      message: `must be at least ${settings.MIN_INTERVAL_SECONDS} on this deployment`,
    });
  }
  return problems;
}

/**
 * Targets that are plainly not public (loopback, private, link-local, local names), refused at
 * create and update time unless the deployment allows private targets, or every region of the
 * monitor is a private location of its organization that allows them. Workers and probes still
 * guard at connect time, since DNS answers can change.
 */
export function privateTargetProblems(
  config: StoredMonitorConfig,
  settings: Pick<RuleSettings, 'ALLOW_PRIVATE_TARGETS' | 'regionRules'>,
  onlyPaths?: ReadonlySet<string>,
): FieldProblem[] {
  if (settings.ALLOW_PRIVATE_TARGETS || settings.regionRules.privateTargetsAllowed(config.regions)) return [];
  return monitorTargetHosts(config).flatMap(({ path, host, name }) => {
    if (onlyPaths && !onlyPaths.has(path)) return [];
    const reason = name ? internalDnsName(host) : obviouslyPrivateHost(host);
    return reason
      ? [
          {
            path,
            message: `must be a public ${name ? 'name' : 'address'}: ${reason}, and this deployment does not allow private targets`,
          },
        ]
      : [];
  });
}

/** The type's rules for what a person writes, for the fields named (every field when absent). */
function writeProblems(config: StoredMonitorConfig, onlyFields?: ReadonlySet<string>): FieldProblem[] {
  const type: CheckType = checkTypes[config.type];
  return (type.writeProblems?.(config) ?? []).filter(
    (problem) => !onlyFields || onlyFields.has(problem.path.split('.')[0] ?? ''),
  );
}

/** Channel links, group and parents live in their own tables, never in the stored config. */
function stripChannels(config: MonitorConfig): StoredMonitorConfig {
  const {
    channelIds: _links,
    groupId: _group,
    dependsOn: _parents,
    escalationPolicyId: _policy,
    ...stored
  } = config;
  return stored;
}

/** The stored configuration of a new monitor: defaults resolved, deployment rules applied. */
export function configForCreate(input: CreateMonitor, settings: RuleSettings): StoredMonitorConfig {
  const {
    channelIds: _links,
    groupId: _group,
    dependsOn: _parents,
    escalationPolicyId: _policy,
    ...rest
  } = input;
  const token = rest.type === 'heartbeat' ? { heartbeatToken: newHeartbeatToken() } : {};
  const parsed = monitorConfigSchema.safeParse({
    ...rest,
    ...token,
    regions: rest.regions ?? settings.REGIONS,
  });
  if (!parsed.success) throw invalid(zodFieldProblems(parsed.error.issues));
  const config = stripChannels(parsed.data);
  const problems = [
    ...deploymentProblems(config, settings, { regions: true, interval: true }),
    ...privateTargetProblems(config, settings),
    ...writeProblems(config),
  ];
  if (problems.length > 0) throw invalid(problems);
  return config;
}

/**
 * Merges a PATCH into the stored configuration and validates the result as a whole, reporting every
 * problem at once. A timeout that was never chosen (its interval's default) follows a new interval.
 */
export function configForUpdate(
  stored: StoredMonitorConfig,
  patch: Omit<UpdateMonitor, 'channelIds' | 'groupId' | 'dependsOn' | 'escalationPolicyId'> & {
    type?: string | undefined;
  },
  settings: RuleSettings,
): StoredMonitorConfig {
  const { type, ...fields } = patch;
  const problems: FieldProblem[] = [];
  if (type !== undefined && type !== stored.type) {
    problems.push({ path: 'type', message: `a monitor's type cannot change (this one is ${stored.type})` });
  }
  const allowed = new Set(Object.keys(checkTypes[stored.type].input.shape));
  for (const path of Object.keys(fields).filter((key) => !allowed.has(key))) {
    problems.push({ path, message: `not a field of ${stored.type} monitors` });
  }
  const own = Object.fromEntries(Object.entries(fields).filter(([key]) => allowed.has(key)));
  const followed =
    fields.intervalSeconds !== undefined && fields.timeoutMs === undefined && timeoutFollowsInterval(stored)
      ? { timeoutMs: defaultTimeoutMs(fields.intervalSeconds) }
      : {};
  const parsed = monitorConfigSchema.safeParse({ ...stored, ...own, ...followed });
  if (!parsed.success) problems.push(...zodFieldProblems(parsed.error.issues));
  if (!parsed.success || problems.length > 0) throw invalid(problems);
  const config = stripChannels(parsed.data);
  // A target is judged when it changes, so a monitor made where private targets were allowed stays
  // editable; new regions judge every target again (a private target may not leave its private location).
  problems.push(
    ...deploymentProblems(config, settings, {
      regions: fields.regions !== undefined,
      interval: fields.intervalSeconds !== undefined,
    }),
    ...privateTargetProblems(
      config,
      settings,
      fields.regions === undefined ? new Set(Object.keys(fields)) : undefined,
    ),
    ...writeProblems(config, new Set(Object.keys(fields))),
  );
  if (problems.length > 0) throw invalid(problems);
  return config;
}
