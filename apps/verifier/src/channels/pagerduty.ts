import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { createGuardedPoster, httpUrl, isPermanentStatus } from './http-post';
import { alertMessage } from './message';

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface PagerDutyOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  eventsUrl: string;
  timeoutMs?: number;
}

/**
 * The Events API v2 body: `trigger` for down and flapping, `acknowledge` for an acknowledged
 * incident, `resolve` for up, with the incident id as `dedup_key` so PagerDuty folds every notice
 * of one incident into one PagerDuty incident.
 */
export function pagerDutyEvent(delivery: Delivery, routingKey: string, dashboardUrl: string) {
  const { payload } = delivery;
  const m = alertMessage(payload, dashboardUrl);
  const dedupKey = payload.incident?.id ?? `sentinelmesh-${payload.id}`;
  const links = [{ href: m.link, text: 'Open in SentinelMesh' }];
  if (payload.event === 'monitor.up') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey, links };
  }
  if (payload.event === 'incident.acknowledged') {
    // Events API v2: acknowledge and resolve take only the routing key, the action and the dedup key.
    return { routing_key: routingKey, event_action: 'acknowledge', dedup_key: dedupKey };
  }
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: [m.title, m.cause].filter(Boolean).join(' — ').slice(0, 1024),
      source: payload.monitor.url ?? payload.monitor.name,
      severity:
        payload.event === 'monitor.down' || payload.event === 'monitor.still_down'
          ? 'critical'
          : payload.event === 'test'
            ? 'info'
            : 'warning',
      timestamp: payload.occurredAt,
      component: payload.monitor.name,
      class: payload.event,
      custom_details: {
        alertId: payload.id,
        monitorId: payload.monitor.id,
        cause: payload.cause,
        duration: m.duration,
      },
    },
    links,
  };
}

/** PagerDuty channel: sends Events API v2 events with the channel's routing key (a secret). */
export function createPagerDutyAdapter(
  options: PagerDutyOptions,
): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);
  const eventsUrl = httpUrl(options.eventsUrl);

  const deliver = typedDeliver('pagerduty', 'missing PagerDuty routing key', async (delivery) => {
    const routingKey = delivery.secrets?.routingKey;
    if (!routingKey) return refused('missing PagerDuty routing key');
    if (!eventsUrl) return refused('invalid PAGERDUTY_EVENTS_URL');
    const body = JSON.stringify(pagerDutyEvent(delivery, routingKey, options.dashboardUrl));
    const { responseText: _, ...result } = await poster.post(eventsUrl, body, {});
    if (result.ok) return result;
    return { ...result, permanent: result.permanent || isPermanentStatus(result.statusCode) };
  });

  return { type: 'pagerduty', deliver, close: poster.close };
}
