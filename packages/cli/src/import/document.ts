import { channelType, createMonitorSchema, isChannelTypeName, type MonitorType } from '@sentinelmesh/core';
import { z } from 'zod';

/** A channel as `sentinelmesh.yaml` declares it: the POST /v1/channels body, by key. */
export interface ChannelEntry {
  key: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
  isDefault?: boolean;
}

/** A monitor as `sentinelmesh.yaml` declares it: the POST /v1/monitors body, channels by key. */
export interface MonitorEntry {
  key: string;
  name: string;
  type: MonitorType;
  channels: string[];
  [field: string]: unknown;
}

/** What an importer writes: the resources of a `sentinelmesh.yaml` it could translate. */
export interface ImportedDocument {
  version: 1;
  channels: ChannelEntry[];
  monitors: MonitorEntry[];
}

/** A whole-value reference to an environment variable: `${SLACK_WEBHOOK_URL}`. */
export const ENV_REFERENCE = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;
export const envReference = (name: string) => `\${${name}}`;
const envReferenceValue = z
  .string()
  .regex(ENV_REFERENCE, `must be a reference to an environment variable, like ${envReference('NAME')}`);

const describeIssues = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');

/** The settings a channel type keeps sealed: in a file they are `${ENV}` references. */
export function secretSettings(type: string): string[] {
  if (!isChannelTypeName(type)) return [];
  const secrets = channelType(type).secrets;
  return secrets && 'shape' in secrets ? Object.keys((secrets as z.ZodObject).shape) : [];
}

/**
 * Why a channel's config does not fit its type's settings (with each secret as an `${ENV}`
 * reference), or null when it does. An unregistered type is the caller's to report.
 */
export function channelConfigProblem(type: string, config: Record<string, unknown>): string | null {
  if (!isChannelTypeName(type)) return `channel type ${type} is not registered`;
  const settings = channelType(type).settings;
  const references = Object.fromEntries(
    secretSettings(type).map((name) => {
      const optional = settings.shape[name]?.safeParse(undefined).success ?? true;
      return [name, optional ? envReferenceValue.optional() : envReferenceValue];
    }),
  );
  const schema = settings.extend(references);
  const parsed = schema.safeParse(config);
  return parsed.success ? null : describeIssues(parsed.error);
}

/**
 * Why a monitor entry would be refused by POST /v1/monitors, or null when it would be accepted.
 * Channel keys stand for ids, which the file resolves when it is applied.
 */
export function monitorEntryProblem(entry: MonitorEntry): string | null {
  const { key: _key, channels, ...body } = entry;
  const parsed = createMonitorSchema.safeParse({
    ...body,
    channelIds: channels.map((_, i) => `channel-${i}`),
  });
  return parsed.success ? null : describeIssues(parsed.error);
}
