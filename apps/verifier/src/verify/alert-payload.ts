import {
  type AlertEvent,
  type AlertPayload,
  maskUrlsIn,
  publicUrl,
  type StoredMonitorConfig,
} from '@sentinelmesh/core';

export interface IncidentRef {
  id: string;
  opened_at: Date;
  resolved_at: Date | null;
}

/**
 * What a receiver sees of the monitor: its URL without user info and with secret query values
 * masked, `tcp://host:port` and the like, or null (heartbeats).
 */
export function monitorTarget(config: StoredMonitorConfig): string | null {
  const c = config as { type: string; url?: unknown; host?: unknown; port?: unknown };
  if (typeof c.url === 'string') return publicUrl(c.url);
  if (typeof c.host !== 'string') return null;
  return typeof c.port === 'number' ? `${c.type}://${c.host}:${c.port}` : `${c.type}://${c.host}`;
}

/** The JSON body every channel receives for one alert (docs/api.md). */
export function buildAlertPayload(input: {
  alertId: string;
  event: AlertEvent;
  occurredAtMs: number;
  monitorId: string;
  config: StoredMonitorConfig;
  incident: IncidentRef | null;
  cause: string | null;
}): AlertPayload {
  const { incident } = input;
  return {
    id: input.alertId,
    event: input.event,
    occurredAt: new Date(input.occurredAtMs).toISOString(),
    monitor: { id: input.monitorId, name: input.config.name, url: monitorTarget(input.config) },
    incident: incident
      ? {
          id: incident.id,
          openedAt: incident.opened_at.toISOString(),
          resolvedAt: incident.resolved_at ? incident.resolved_at.toISOString() : null,
        }
      : null,
    // Workers scrub secrets from what they record; a URL in an older result's message is masked here.
    cause: input.cause === null ? null : maskUrlsIn(input.cause),
  };
}
