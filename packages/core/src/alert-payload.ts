import { monitorTarget } from './check-types';
import type { StoredMonitorConfig } from './schemas/monitor';
import { maskUrlsIn } from './secret-urls';

export const alertEvents = [
  'monitor.down',
  'monitor.up',
  'monitor.flapping',
  'monitor.still_down',
  'incident.acknowledged',
  'test',
] as const;
export type AlertEvent = (typeof alertEvents)[number];

/** The JSON body every channel's alert is made from, and every webhook receives (docs/api.md). */
export interface AlertPayload {
  id: string;
  event: AlertEvent;
  occurredAt: string;
  monitor: { id: string; name: string; url: string | null };
  incident: { id: string; openedAt: string; resolvedAt: string | null } | null;
  cause: string | null;
  /** Only on `incident.acknowledged`: who acknowledged the incident, and when. */
  acknowledgement?: { at: string; by: string };
  /**
   * A signed one-click link that acknowledges the alert's incident without signing in; present
   * while the incident can still be acknowledged.
   */
  ackUrl?: string;
  /** Only on alerts of a group alerted as one: the group; `monitor` is then the member that changed it. */
  group?: { id: string; name: string };
}

/** An incident as its row holds it. */
export interface IncidentRef {
  id: string;
  opened_at: Date;
  resolved_at: Date | null;
}

/** The payload of an alert about a monitor: a transition or a notice. */
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

/** The payload of a `test` alert sent to one channel on request: no monitor, no incident. */
export function buildTestAlertPayload(input: {
  alertId: string;
  occurredAtMs: number;
  channelName: string;
}): AlertPayload {
  return {
    id: input.alertId,
    event: 'test',
    occurredAt: new Date(input.occurredAtMs).toISOString(),
    monitor: { id: 'test', name: 'SentinelMesh test alert', url: null },
    incident: null,
    cause: `A test alert for channel "${input.channelName}": delivery works.`,
  };
}

/**
 * The payload of an `incident.acknowledged` alert: the incident's down alert, now telling the
 * channels it alerted that someone (`by`: a person's email or an API key's name) is on it.
 */
export function buildAcknowledgedAlertPayload(input: {
  alertId: string;
  acknowledgedAtMs: number;
  by: string;
  monitorId: string;
  config: StoredMonitorConfig;
  incident: IncidentRef;
  cause: string | null;
}): AlertPayload {
  return {
    ...buildAlertPayload({
      alertId: input.alertId,
      event: 'incident.acknowledged',
      occurredAtMs: input.acknowledgedAtMs,
      monitorId: input.monitorId,
      config: input.config,
      incident: input.incident,
      cause: input.cause,
    }),
    acknowledgement: { at: new Date(input.acknowledgedAtMs).toISOString(), by: input.by },
  };
}
