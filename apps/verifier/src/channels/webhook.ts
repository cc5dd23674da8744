import { signWebhookRotating } from '@sentinelmesh/core';
import { type ChannelAdapter, refused, typedDeliver } from './adapter';
import { createGuardedPoster, httpUrl } from './http-post';

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

  const deliver = typedDeliver('webhook', 'invalid webhook url', async (delivery) => {
    const url = httpUrl(delivery.config.url);
    if (!url) return refused('invalid webhook url');
    const rawBody = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = { 'idempotency-key': delivery.alertId };
    const secret = delivery.secrets?.secret;
    if (secret) {
      const previous = delivery.secrets?.previousSecret;
      headers['x-sentinel-signature'] = signWebhookRotating(
        previous ? [secret, previous] : [secret],
        rawBody,
        Math.floor(options.clock() / 1000),
      );
    }
    const { responseText: _, ...result } = await poster.post(url, rawBody, headers);
    return result;
  });

  return { type: 'webhook', deliver, close: poster.close };
}
