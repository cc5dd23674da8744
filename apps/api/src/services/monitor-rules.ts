import {
  type CreateMonitor,
  DomainError,
  type FieldProblem,
  httpMonitorInput,
  type MonitorConfig,
  monitorConfigSchema,
  type StoredMonitorConfig,
  tcpMonitorInput,
  type UpdateMonitor,
} from '@sentinelmesh/core';
import type { ApiConfig } from '../context';
import { zodFieldProblems } from '../http/field-problems';

const invalid = (errors: FieldProblem[]) => new DomainError('validation', 'the monitor is invalid', errors);

/** What this deployment allows beyond the schema: its own regions and its minimum interval. */
export function deploymentProblems(
  config: Pick<StoredMonitorConfig, 'regions' | 'intervalSeconds'>,
  settings: Pick<ApiConfig, 'REGIONS' | 'MIN_INTERVAL_SECONDS'>,
  check: { regions: boolean; interval: boolean },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const unknown = config.regions.filter((r) => !settings.REGIONS.includes(r));
  if (check.regions && unknown.length > 0) {
    problems.push({
      path: 'regions',
      message: `unknown region(s) ${unknown.join(', ')}; this deployment runs ${settings.REGIONS.join(', ')}`,
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

/** Channel links live in monitor_channels, never in the stored config. */
function stripChannels(config: MonitorConfig): StoredMonitorConfig {
  const { channelIds: _links, ...stored } = config;
  return stored;
}

/** The stored configuration of a new monitor: defaults resolved, deployment rules applied. */
export function configForCreate(input: CreateMonitor, settings: ApiConfig): StoredMonitorConfig {
  const { channelIds: _links, ...rest } = input;
  const parsed = monitorConfigSchema.safeParse({ ...rest, regions: rest.regions ?? settings.REGIONS });
  if (!parsed.success) throw invalid(zodFieldProblems(parsed.error.issues));
  const config = stripChannels(parsed.data);
  const problems = deploymentProblems(config, settings, { regions: true, interval: true });
  if (problems.length > 0) throw invalid(problems);
  return config;
}

/** Merges a PATCH into the stored configuration and validates the result as a whole. */
export function configForUpdate(
  stored: StoredMonitorConfig,
  patch: Omit<UpdateMonitor, 'channelIds'> & { type?: string | undefined },
  settings: ApiConfig,
): StoredMonitorConfig {
  const { type, ...fields } = patch;
  if (type !== undefined && type !== stored.type) {
    throw invalid([{ path: 'type', message: `a monitor's type cannot change (this one is ${stored.type})` }]);
  }
  const allowed = Object.keys((stored.type === 'http' ? httpMonitorInput : tcpMonitorInput).shape);
  const foreign = Object.keys(fields).filter((key) => !allowed.includes(key));
  if (foreign.length > 0) {
    throw invalid(foreign.map((path) => ({ path, message: `not a field of ${stored.type} monitors` })));
  }
  const parsed = monitorConfigSchema.safeParse({ ...stored, ...fields });
  if (!parsed.success) throw invalid(zodFieldProblems(parsed.error.issues));
  const config = stripChannels(parsed.data);
  const problems = deploymentProblems(config, settings, {
    regions: fields.regions !== undefined,
    interval: fields.intervalSeconds !== undefined,
  });
  if (problems.length > 0) throw invalid(problems);
  return config;
}
