import type { AlertEvent, AlertPayload, StoredMonitorConfig } from '@sentinelmesh/core';

export interface IncidentRef {
  id: string;
  opened_at: Date;
  resolved_at: Date | null;
}

/** What a receiver sees of the monitor: its URL, or `tcp://host:port` for a TCP monitor. */
export function monitorTarget(config: StoredMonitorConfig): string {
  return config.type === 'http' ? config.url : `tcp://${config.host}:${config.port}`;
}

/** The JSON body every channel receives for one alert (API.md). */
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
    cause: input.cause,
  };
}
