import { failureCause } from '@sentinelmesh/core';
import type { TimelineEvent } from '../schemas/incidents';

/** A check result as responses show it (the fields the timeline reads). */
export interface TimelineCheck {
  scheduledAt: string;
  checkedAt: string;
  region: string;
  kind: 'scheduled' | 'confirmation';
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  error: { kind: string; message: string } | null;
}

export interface TimelineAlert {
  id: string;
  createdAt: string;
  event: string;
  channelId: string | null;
  recipient: { type: 'channel' | 'member'; id: string; name: string | null };
  channelName: string | null;
  channelType: string | null;
  status: 'pending' | 'sent' | 'failed' | 'suppressed';
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
  attemptLog: ReadonlyArray<{ statusCode: number | null }>;
}

export interface TimelineInput {
  openedAt: string;
  resolvedAt: string | null;
  cause: string | null;
  acknowledgedAt: string | null;
  acknowledger: Extract<TimelineEvent, { type: 'acknowledged' }>['by'];
  /** The checks from the last good slot before the opening to the end of the incident, oldest first. */
  checks: readonly TimelineCheck[];
  alerts: readonly TimelineAlert[];
}

const ms = (iso: string) => Date.parse(iso);

/** Seconds from `from` to `to`, never negative. */
export const secondsBetween = (from: string, to: string) =>
  Math.max(0, Math.round((ms(to) - ms(from)) / 1000));

/** The failed slots before the opening, each with every region's outcome: what the verifier saw. */
function checkEvents(input: TimelineInput): TimelineEvent[] {
  const slots = new Map<string, { first: TimelineCheck; checks: TimelineCheck[] }>();
  for (const check of input.checks) {
    // The opening's time is the planned time of the check that decided it (docs/api.md).
    if (ms(check.scheduledAt) > ms(input.openedAt)) continue;
    const key = `${check.scheduledAt}/${check.kind}`;
    const slot = slots.get(key) ?? { first: check, checks: [] };
    slot.checks.push(check);
    slots.set(key, slot);
  }
  const confirming = (c: TimelineCheck) => Number(c.kind === 'confirmation');
  const failed = [...slots.values()]
    .filter(({ checks }) => checks.some((c) => !c.ok))
    .sort(
      (a, b) =>
        ms(a.first.scheduledAt) - ms(b.first.scheduledAt) || confirming(a.first) - confirming(b.first),
    );
  return failed.map(({ first, checks }, i) => ({
    type: i === 0 ? 'first_failure' : 'confirmation',
    at: first.scheduledAt,
    scheduledAt: first.scheduledAt,
    kind: first.kind,
    failedRegions: checks.filter((c) => !c.ok).length,
    totalRegions: checks.length,
    regions: [...checks]
      .sort((a, b) => a.region.localeCompare(b.region))
      .map((c) => ({
        region: c.region,
        ok: c.ok,
        statusCode: c.statusCode,
        latencyMs: c.latencyMs,
        cause: failureCause({
          ok: c.ok,
          statusCode: c.statusCode,
          errorKind: c.error?.kind ?? null,
          errorMessage: c.error?.message ?? null,
        }),
      })),
  }));
}

function alertEvent(alert: TimelineAlert): TimelineEvent {
  const last = alert.attemptLog.at(-1);
  return {
    type: 'alert',
    at: alert.createdAt,
    alertId: alert.id,
    event: alert.event,
    channel: alert.channelId
      ? { id: alert.channelId, name: alert.channelName, type: alert.channelType }
      : null,
    recipient: alert.recipient,
    status: alert.status,
    attempts: alert.attempts,
    sentAt: alert.sentAt,
    lastError: alert.lastError,
    lastStatusCode: last?.statusCode ?? null,
  };
}

/** The order of events that share a time: what caused what. */
const rank: Record<TimelineEvent['type'], number> = {
  first_failure: 0,
  confirmation: 1,
  opened: 2,
  acknowledged: 3,
  resolved: 4,
  alert: 5,
};

/**
 * An incident's story from stored facts: the first failed slot, each confirming one with its
 * regions, the transition to down, every alert per channel with its delivery outcome, the
 * acknowledgement and the resolution, oldest first.
 */
export function buildTimeline(input: TimelineInput): TimelineEvent[] {
  const events: TimelineEvent[] = [
    ...checkEvents(input),
    { type: 'opened', at: input.openedAt, cause: input.cause },
    ...input.alerts.map(alertEvent),
  ];
  if (input.acknowledgedAt) {
    events.push({ type: 'acknowledged', at: input.acknowledgedAt, by: input.acknowledger });
  }
  if (input.resolvedAt) {
    events.push({
      type: 'resolved',
      at: input.resolvedAt,
      durationSeconds: secondsBetween(input.openedAt, input.resolvedAt),
    });
  }
  return events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) =>
        ms(a.event.at) - ms(b.event.at) || rank[a.event.type] - rank[b.event.type] || a.index - b.index,
    )
    .map(({ event }) => event);
}
