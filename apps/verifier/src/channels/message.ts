import type { AlertPayload } from '@sentinelmesh/core';

/** The words a human reads about one alert, shared by every channel but the webhook's JSON. */
export interface AlertMessage {
  /** `DOWN`, `UP`, `FLAPPING`, `STILL DOWN`, `ACKNOWLEDGED` or `TEST`. */
  label: string;
  /** One line: `DOWN: Checkout API`. */
  title: string;
  cause: string | null;
  /** `down for 3m 20s`, `down since 09:14:02 UTC`, or null. */
  duration: string | null;
  target: string | null;
  /** `oncall@example.com at 09:15:02 UTC`: who acknowledged the incident; null on other events. */
  acknowledged: string | null;
  link: string;
  /** The one-click acknowledge link, when the alert carries one. */
  ackLink: string | null;
  occurredAt: string;
}

/** The colour of each label, where a channel can show one (email headings, Discord embeds). */
export const labelColors: Record<string, string> = {
  DOWN: '#c62828',
  UP: '#2e7d32',
  FLAPPING: '#ef6c00',
  'STILL DOWN': '#c62828',
  ACKNOWLEDGED: '#6a1b9a',
  TEST: '#1565c0',
};

const labels: Record<AlertPayload['event'], string> = {
  'monitor.down': 'DOWN',
  'monitor.up': 'UP',
  'monitor.flapping': 'FLAPPING',
  'monitor.still_down': 'STILL DOWN',
  'incident.acknowledged': 'ACKNOWLEDGED',
  test: 'TEST',
};

/** `3m 20s`, `2h 5m`, `45s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

function duration(payload: AlertPayload): string | null {
  const incident = payload.incident;
  if (!incident) return null;
  const opened = Date.parse(incident.openedAt);
  if (payload.event === 'monitor.up' && incident.resolvedAt) {
    return `down for ${formatDuration(Date.parse(incident.resolvedAt) - opened)}`;
  }
  const elapsed = Date.parse(payload.occurredAt) - opened;
  const since = `${incident.openedAt.slice(11, 19)} UTC`;
  return elapsed >= 1000 ? `down for ${formatDuration(elapsed)} (since ${since})` : `down since ${since}`;
}

/** Builds the human message for an alert; `dashboardUrl` is where the monitor's page lives. */
export function alertMessage(payload: AlertPayload, dashboardUrl: string): AlertMessage {
  const label = labels[payload.event];
  const base = dashboardUrl.replace(/\/+$/, '');
  const isTest = payload.event === 'test';
  const isAck = payload.event === 'incident.acknowledged';
  const ack = payload.acknowledgement;
  return {
    label,
    title: isTest ? 'TEST: alerts from SentinelMesh reach this channel' : `${label}: ${payload.monitor.name}`,
    cause: payload.cause,
    duration:
      payload.event === 'monitor.down' ||
      payload.event === 'monitor.up' ||
      payload.event === 'monitor.still_down' ||
      isAck
        ? duration(payload)
        : null,
    target: payload.monitor.url,
    acknowledged: isAck && ack ? `${ack.by} at ${ack.at.slice(11, 19)} UTC` : null,
    link: isTest
      ? base
      : isAck && payload.incident
        ? `${base}/incidents/${encodeURIComponent(payload.incident.id)}`
        : `${base}/monitors/${encodeURIComponent(payload.monitor.id)}`,
    ackLink: payload.ackUrl ?? null,
    occurredAt: payload.occurredAt,
  };
}

/** The message as plain text lines (email text part, logs). */
export function messageLines(message: AlertMessage): string[] {
  return [
    message.title,
    ...(message.target ? [`Target: ${message.target}`] : []),
    ...(message.cause ? [`Cause: ${message.cause}`] : []),
    ...(message.duration ? [`Duration: ${message.duration}`] : []),
    ...(message.acknowledged ? [`Acknowledged by: ${message.acknowledged}`] : []),
    `When: ${message.occurredAt}`,
    `Details: ${message.link}`,
    ...(message.ackLink ? [`Acknowledge: ${message.ackLink}`] : []),
  ];
}
