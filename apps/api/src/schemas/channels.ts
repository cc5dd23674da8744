import { type ChannelTypeName, channelTypeNames, channelTypes } from '@sentinelmesh/core';
import { z } from 'zod';
import { isoTime, managedFields, readBackFields } from './common';

const name = z.string().trim().min(1).max(200);
const isDefault = z
  .boolean()
  .describe('linked to every monitor created without an explicit `channelIds` list (default false)');

const personal = z
  .boolean()
  .describe(
    "the caller's own channel: on-call notifications to them go here too; listed to them and to admins only (default false)",
  );

type Types = typeof channelTypes;
type CreateOption<T extends ChannelTypeName> = z.ZodObject<
  {
    type: z.ZodLiteral<T>;
    name: typeof name;
    config: Types[T]['settings'];
    isDefault: z.ZodOptional<typeof isDefault>;
    personal: z.ZodOptional<typeof personal>;
  },
  z.core.$strict
>;
type AnyCreateOption = { [T in ChannelTypeName]: CreateOption<T> }[ChannelTypeName];

const createOption = <T extends ChannelTypeName>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    name,
    config: channelTypes[type].settings,
    isDefault: isDefault.optional(),
    personal: personal.optional(),
  }) as CreateOption<T>;

/** `{ type, name, config, isDefault?, personal? }` with each registered type's settings (packages/core/src/channels). */
export const createChannelBody = z.discriminatedUnion(
  'type',
  channelTypeNames.map(createOption) as [AnyCreateOption, ...AnyCreateOption[]],
  { error: () => `supported channel types: ${channelTypeNames.join(', ')}` },
);

export const patchChannelBody = z.strictObject({
  name: name.optional(),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("any subset of the channel type's settings; a secret left out keeps its stored value"),
  isDefault: isDefault.optional(),
  ...readBackFields,
});

const views = channelTypeNames.map((type) => channelTypes[type].view);

export const channelSchema = z.object({
  id: z.string(),
  type: z.enum(channelTypeNames),
  name: z.string(),
  config: z
    .union(views as [(typeof views)[number], ...(typeof views)[number][]])
    .describe('the settings of the channel type; secrets masked'),
  isDefault,
  personal: z.boolean().describe('a personal channel, of the member `userId`'),
  userId: z
    .string()
    .nullable()
    .describe('the member whose personal channel this is; null for a shared channel'),
  createdAt: isoTime,
  updatedAt: isoTime,
  ...managedFields,
});

export const testAlertSchema = z.object({
  id: z.string().describe('the test alert id: receivers get it as the idempotency key'),
  incidentId: z.null(),
  channelId: z.string(),
  event: z.literal('test'),
  status: z.enum(['pending', 'sent', 'failed', 'suppressed']),
  attempts: z.number().int(),
  sentAt: isoTime.nullable(),
  lastError: z.string().nullable(),
  outcome: z
    .object({
      delivered: z.boolean(),
      statusCode: z.number().int().nullable().describe("the receiver's HTTP status, when it answered"),
      durationMs: z.number().int(),
      error: z.string().nullable().describe('why the attempt failed, e.g. `connection refused`'),
      attemptedAt: isoTime,
    })
    .nullable()
    .describe(
      "the first delivery attempt, as the notifier logged it; null when it did not happen within the deployment's wait (TEST_ALERT_WAIT_MS): follow it at GET /v1/alerts",
    ),
});

export type CreateChannel = z.infer<typeof createChannelBody>;
export type PatchChannel = z.infer<typeof patchChannelBody>;
