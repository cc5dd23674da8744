import { z } from 'zod';
import { isoTime } from './common';

const webhookUrl = z
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

export const channelTypes = ['webhook'] as const;
const channelType = z.enum(channelTypes, {
  error: () => 'supported channel types: webhook (slack, email and pagerduty are not available yet)',
});

export const createChannelBody = z.strictObject({
  type: channelType,
  name: z.string().trim().min(1).max(200),
  config: z.strictObject({ url: webhookUrl, secret: webhookSecret.optional() }),
});

export const patchChannelBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  config: z.strictObject({ url: webhookUrl.optional(), secret: webhookSecret.optional() }).optional(),
});

export const channelSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  config: z.object({
    url: z.string(),
    secret: z.string().describe('shown in full only in the create response; masked afterwards'),
  }),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export type CreateChannel = z.infer<typeof createChannelBody>;
export type PatchChannel = z.infer<typeof patchChannelBody>;
