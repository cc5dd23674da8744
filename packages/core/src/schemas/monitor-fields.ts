import { z } from 'zod';
import { dependsOnSchema } from '../dependencies';
import { quorumShape } from '../quorum';
import { type Assertion, assertionSchema } from './assertion';

export const MAX_INTERVAL_SECONDS = 86_400;
export const regionName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a region is 1-32 lowercase letters, digits or dashes');

/** A host name or IP literal (IPv6 with or without brackets). */
export const hostName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[^\s/?#@]+$/, 'a host name or IP address, without scheme, path or spaces');

/** Fields every monitor type shares, without defaults (PATCH uses them as they are). */
export const commonFields = {
  name: z.string().trim().min(1).max(200),
  intervalSeconds: z.number().int().min(1).max(MAX_INTERVAL_SECONDS),
  timeoutMs: z.number().int().min(100).max(120_000),
  assertions: z.array(assertionSchema).max(50),
  regions: z.array(regionName).min(1).max(20),
  failureThreshold: z.number().int().min(1).max(20),
  recoveryThreshold: z.number().int().min(1).max(20),
  retryIntervalSeconds: z.number().int().min(1).max(3600),
  channelIds: z.array(z.string().min(1).max(64)).max(50),
  escalationPolicyId: z
    .uuid()
    .nullable()
    .describe(
      'an escalation policy its incidents climb instead of alerting its channels; null: its channels',
    ),
  tags: z.array(z.string().trim().min(1).max(64)).max(50),
  paused: z.boolean(),
  groupId: z.string().min(1).max(64).nullable().describe('the group the monitor belongs to, or null'),
  dependsOn: dependsOnSchema.describe(
    'parents: while one is down, this monitor records incidents but sends nothing',
  ),
  ...quorumShape,
};

/** The common fields with their defaults; a monitor without assertions gets its type's `assertions`. */
export const withDefaults = (assertions: readonly Assertion[]) => ({
  intervalSeconds: commonFields.intervalSeconds.default(60),
  timeoutMs: commonFields.timeoutMs.optional(),
  assertions: commonFields.assertions.default(() => [...assertions]),
  regions: commonFields.regions.optional(),
  failureThreshold: commonFields.failureThreshold.default(2),
  recoveryThreshold: commonFields.recoveryThreshold.default(2),
  retryIntervalSeconds: commonFields.retryIntervalSeconds.default(5),
  // Left out, the API links the organization's default channels; `[]` means none.
  channelIds: commonFields.channelIds
    .optional()
    .describe("left out: the organization's default channels (`isDefault`); `[]`: none"),
  escalationPolicyId: commonFields.escalationPolicyId.optional(),
  tags: commonFields.tags.default([]),
  paused: commonFields.paused.default(false),
  // Like channel links, group and parents live in their own tables, never in the stored config.
  groupId: commonFields.groupId.optional(),
  dependsOn: commonFields.dependsOn.optional(),
  ...quorumShape,
});
