import {
  type AlertPayload,
  isJsonContentType,
  MAX_RENDERED_BODY_BYTES,
  renderAlertTemplate,
  type TemplateView,
} from '@sentinelmesh/core';
import { type ChannelAdapter, refused, typedDeliver } from './adapter';
import { createGuardedPoster, httpUrl, isPermanentStatus } from './http-post';
import { alertMessage } from './message';

export interface CustomWebhookOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  timeoutMs?: number;
}

/** What a body template can name about an alert (packages/core/src/channels/alert-template.ts). */
export function templateView(payload: AlertPayload, dashboardUrl: string): TemplateView {
  const m = alertMessage(payload, dashboardUrl);
  return {
    alertId: payload.id,
    event: payload.event,
    label: m.label,
    title: m.title,
    cause: m.cause,
    duration: m.duration,
    target: m.target,
    link: m.link,
    ackUrl: m.ackLink,
    acknowledgedBy: payload.acknowledgement?.by ?? null,
    occurredAt: m.occurredAt,
    isDown: payload.event === 'monitor.down',
    isUp: payload.event === 'monitor.up',
    isFlapping: payload.event === 'monitor.flapping',
    isAcknowledged: payload.event === 'incident.acknowledged',
    isTest: payload.event === 'test',
    monitor: payload.monitor,
    incident: payload.incident,
  };
}

/**
 * Webhook with a custom body: the channel's Mustache template rendered for the alert, sent with its
 * method, content type and headers (sealed), and the alert id as `Idempotency-Key`.
 */
export function createCustomWebhookAdapter(
  options: CustomWebhookOptions,
): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);

  const deliver = typedDeliver('custom-webhook', 'invalid custom webhook settings', async (delivery) => {
    const url = httpUrl(delivery.secrets?.url);
    if (!url) return refused('invalid custom webhook url');
    const { method, contentType, bodyTemplate } = delivery.config;
    let body: string;
    try {
      body = renderAlertTemplate(
        bodyTemplate,
        contentType,
        templateView(delivery.payload, options.dashboardUrl),
      );
    } catch {
      return refused('the body template cannot be rendered');
    }
    if (Buffer.byteLength(body) > MAX_RENDERED_BODY_BYTES) {
      return refused(`the rendered body is over ${MAX_RENDERED_BODY_BYTES} bytes`);
    }
    if (isJsonContentType(contentType)) {
      try {
        JSON.parse(body);
      } catch {
        return refused('the body template does not give valid JSON for this alert');
      }
    }
    const headers: Record<string, string> = { 'idempotency-key': delivery.alertId };
    for (const [name, value] of Object.entries(delivery.secrets?.headers ?? {})) {
      headers[name.toLowerCase()] = value;
    }
    headers['content-type'] = contentType;
    const { responseText: _, ...result } = await poster.post(url, body, headers, method);
    if (result.ok) return result;
    return { ...result, permanent: result.permanent || isPermanentStatus(result.statusCode) };
  });

  return { type: 'custom-webhook', deliver, close: poster.close };
}
