import { z } from 'zod';
import { isoTime } from './common';

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

const webhookSecret = z.string().min(16, 'must be at least 16 characters').max(256);
const name = z.string().trim().min(1).max(200);

export const channelTypes = ['webhook', 'slack', 'email', 'pagerduty'] as const;
export type ChannelType = (typeof channelTypes)[number];

/** Each type's settings as given on create. Secret fields are write-only. */
export const channelConfigs = {
  webhook: z.strictObject({
    url: httpUrl,
    secret: webhookSecret.optional(),
    previousSecret: webhookSecret
      .nullable()
      .optional()
      .describe(
        'during a rotation, the secret being retired: deliveries carry a second v1 signature made with it',
      ),
  }),
  slack: z.strictObject({ webhookUrl: httpUrl.describe('the Slack incoming-webhook URL (a secret)') }),
  email: z.strictObject({
    to: z.array(z.string().trim().email().max(254)).min(1).max(50).describe('recipients'),
  }),
  pagerduty: z.strictObject({
    routingKey: z.string().trim().min(1).max(128).describe('Events API v2 integration (routing) key'),
  }),
} as const;

/** PATCH takes any subset of the type's settings. */
export const channelConfigPatches = {
  webhook: channelConfigs.webhook.partial(),
  slack: channelConfigs.slack.partial(),
  email: channelConfigs.email.partial(),
  pagerduty: channelConfigs.pagerduty.partial(),
} as const;

export const createChannelBody = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('webhook'), name, config: channelConfigs.webhook }),
    z.strictObject({ type: z.literal('slack'), name, config: channelConfigs.slack }),
    z.strictObject({ type: z.literal('email'), name, config: channelConfigs.email }),
    z.strictObject({ type: z.literal('pagerduty'), name, config: channelConfigs.pagerduty }),
  ],
  { error: () => `supported channel types: ${channelTypes.join(', ')}` },
);

export const patchChannelBody = z.strictObject({
  name: name.optional(),
  config: z.record(z.string(), z.unknown()).optional().describe("any subset of the channel type's settings"),
});

export const channelSchema = z.object({
  id: z.string(),
  type: z.enum(channelTypes),
  name: z.string(),
  config: z
    .union([
      z.object({
        url: z.string(),
        secret: z.string().describe('shown in full only in the create response; masked afterwards'),
        previousSecret: z.string().optional().describe('masked; present while a rotation keeps it'),
      }),
      z.object({ webhookUrl: z.string().describe('masked') }),
      z.object({ to: z.array(z.string()) }),
      z.object({ routingKey: z.string().describe('masked') }),
    ])
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
