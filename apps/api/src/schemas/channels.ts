import { type ChannelTypeName, channelTypeNames, channelTypes } from '@sentinelmesh/core';
import { z } from 'zod';
import { isoTime } from './common';

const name = z.string().trim().min(1).max(200);

type Types = typeof channelTypes;
type CreateOption<T extends ChannelTypeName> = z.ZodObject<
  { type: z.ZodLiteral<T>; name: typeof name; config: Types[T]['settings'] },
  z.core.$strict
>;
type AnyCreateOption = { [T in ChannelTypeName]: CreateOption<T> }[ChannelTypeName];

const createOption = <T extends ChannelTypeName>(type: T) =>
  z.strictObject({ type: z.literal(type), name, config: channelTypes[type].settings }) as CreateOption<T>;

/** `{ type, name, config }` with each registered type's settings (packages/core/src/channels). */
export const createChannelBody = z.discriminatedUnion(
  'type',
  channelTypeNames.map(createOption) as [AnyCreateOption, ...AnyCreateOption[]],
  { error: () => `supported channel types: ${channelTypeNames.join(', ')}` },
);

export const patchChannelBody = z.strictObject({
  name: name.optional(),
  config: z.record(z.string(), z.unknown()).optional().describe("any subset of the channel type's settings"),
});

const views = channelTypeNames.map((type) => channelTypes[type].view);

export const channelSchema = z.object({
  id: z.string(),
  type: z.enum(channelTypeNames),
  name: z.string(),
  config: z
    .union(views as [(typeof views)[number], ...(typeof views)[number][]])
    .describe('the settings of the channel type; secrets masked'),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const testAlertSchema = z.object({
  id: z.string().describe('the test alert id: receivers get it as the idempotency key'),
  incidentId: z.null(),
  channelId: z.string(),
  event: z.literal('test'),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  sentAt: isoTime.nullable(),
  lastError: z.string().nullable(),
});

export type CreateChannel = z.infer<typeof createChannelBody>;
export type PatchChannel = z.infer<typeof patchChannelBody>;
