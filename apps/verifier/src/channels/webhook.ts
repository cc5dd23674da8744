import { signWebhookRotating } from '@sentinelmesh/core';
import { z } from 'zod';
import type { ChannelAdapter, Delivery, DeliveryResult } from './adapter';
import { createGuardedPoster, httpUrl } from './http-post';

const secretsSchema = z.object({
  secret: z.string().min(1),
  previousSecret: z.string().min(1).nullish(),
});

export interface WebhookOptions {
  /** Deliver to private, loopback and link-local addresses (local deployments). */
  allowPrivateTargets: boolean;
  userAgent: string;
  clock: () => number;
  timeoutMs?: number;
}

/**
 * Webhook channel: POSTs the alert payload as raw JSON, signed with the channel's secret. While a
 * previous secret is kept (a rotation), the header carries a second `v1` made with it, after the
 * current one, so receivers holding either secret accept the alert.
 */
export function createWebhookAdapter(options: WebhookOptions): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  async function deliver(delivery: Delivery): Promise<DeliveryResult> {
    const url = httpUrl(delivery.config.url);
    if (!url) {
      return { ok: false, statusCode: null, error: 'invalid webhook url', durationMs: 0, permanent: true };
    }
    const rawBody = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = { 'idempotency-key': delivery.alertId };
    const secrets = secretsSchema.safeParse(delivery.secrets);
    if (secrets.success) {
      const { secret, previousSecret } = secrets.data;
      headers['x-sentinel-signature'] = signWebhookRotating(
        previousSecret ? [secret, previousSecret] : [secret],
        rawBody,
        Math.floor(options.clock() / 1000),
      );
    }
    const { responseText: _, ...result } = await poster.post(url, rawBody, headers);
    return result;
  }

  return { type: 'webhook', deliver, close: poster.close };
}
