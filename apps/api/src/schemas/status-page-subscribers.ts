import { z } from 'zod';
import { isoTime } from './common';

export const subscribeBody = z.union([
  z.strictObject({ email: z.email().max(254) }),
  z.strictObject({ webhookUrl: z.url({ protocol: /^https?$/ }).max(2000) }),
]);

export const subscribeAnswerSchema = z.object({
  status: z
    .enum(['confirmation_sent', 'subscribed'])
    .describe(
      'confirmation_sent (email): the same answer whether or not the address is subscribed already; subscribed (webhook)',
    ),
  id: z.string().optional().describe('webhook only: the subscription'),
  secret: z.string().optional().describe('webhook only, shown once: verify X-Sentinel-Signature with it'),
});

export const subscriptionTokenBody = z.strictObject({ token: z.string().min(1).max(512) });

export const confirmAnswerSchema = z.object({
  statusPage: z.object({ slug: z.string(), title: z.string() }),
});

export const unsubscribeAnswerSchema = z.object({ unsubscribed: z.literal(true) });

export const subscriberSchema = z.object({
  id: z.string(),
  kind: z.enum(['email', 'webhook']),
  email: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  confirmed: z.boolean().describe('emails: the address confirmed by its link; webhooks: always'),
  confirmedAt: isoTime.nullable(),
  createdAt: isoTime,
});

export const subscriberParams = z.object({ id: z.string(), subscriberId: z.string() });
