'use client';

import type { Acknowledger, TimelineEvent } from '../lib/api-types';
import { formatDateTime, formatDuration, formatLatency } from '../lib/format';
import { recipientLabel } from './alert-recipient';

const alertEvents: Record<string, string> = {
  'monitor.down': 'DOWN alert',
  'monitor.up': 'UP alert',
  'monitor.flapping': 'Flapping alert',
  'incident.acknowledged': 'Acknowledgement',
};

export function acknowledgerName(by: Acknowledger | null): string {
  if (!by) return 'someone no longer in the organization';
  if (by.kind === 'channel') return `the link sent to ${by.name}`;
  return by.kind === 'apiKey' ? `API key “${by.name}”` : by.name;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How a delivery went, in words: `sent after 1 attempt (200)`, `failed after 3 attempts: HTTP 500`. */
export function deliveryOutcome(event: Extract<TimelineEvent, { type: 'alert' }>): string {
  const answer = event.lastStatusCode === null ? '' : ` (answer ${event.lastStatusCode})`;
  if (event.status === 'sent') return `sent after ${plural(event.attempts, 'attempt')}${answer}`;
  if (event.status === 'failed') {
    return `failed after ${plural(event.attempts, 'attempt')}${answer}${event.lastError ? `: ${event.lastError}` : ''}`;
  }
  if (event.status === 'suppressed')
    return 'suppressed, not sent (a parent was down, or its group alerted instead)';
  if (event.attempts === 0) return 'pending, not tried yet';
  return `pending, retrying after ${plural(event.attempts, 'attempt')}${event.lastError ? ` (last: ${event.lastError})` : ''}`;
}

function CheckEvent({
  event,
}: {
  event: Extract<TimelineEvent, { type: 'first_failure' | 'confirmation' }>;
}) {
  const what = event.type === 'first_failure' ? 'First failing check' : 'Confirmation';
  const kind = event.kind === 'confirmation' ? 're-check' : 'scheduled check';
  return (
    <>
      <p className="timeline__title">
        {what}: {kind} failed in {event.failedRegions} of {plural(event.totalRegions, 'region')}
      </p>
      <ul className="timeline__regions">
        {event.regions.map((r) => (
          <li key={r.region}>
            <strong>{r.region}</strong>: {r.ok ? 'passed' : (r.cause ?? 'failed')}
            {r.latencyMs !== null ? ` · ${formatLatency(r.latencyMs)}` : ''}
          </li>
        ))}
      </ul>
    </>
  );
}

function EventBody({ event }: { event: TimelineEvent }) {
  switch (event.type) {
    case 'first_failure':
    case 'confirmation':
      return <CheckEvent event={event} />;
    case 'opened':
      return (
        <p className="timeline__title">
          Monitor turned DOWN; incident opened{event.cause ? ` (${event.cause})` : ''}
        </p>
      );
    case 'alert':
      return (
        <p className="timeline__title">
          {alertEvents[event.event] ?? event.event} to {recipientLabel(event)}:{' '}
          <span className={`delivery delivery--${event.status}`}>{deliveryOutcome(event)}</span>
        </p>
      );
    case 'acknowledged':
      return <p className="timeline__title">Acknowledged by {acknowledgerName(event.by)}</p>;
    case 'resolved':
      return (
        <p className="timeline__title">
          Monitor back UP; incident resolved after {formatDuration(event.durationSeconds * 1000)}
        </p>
      );
  }
}

/** The incident's story, oldest first, as the API tells it. */
export function IncidentTimeline({ events }: { events: TimelineEvent[] }) {
  return (
    <ol className="timeline">
      {events.map((event, i) => (
        <li
          // Events have no id of their own; their order never changes.
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is rebuilt whole on every fetch
          key={i}
          className={`timeline__event timeline__event--${event.type}`}
          data-event={event.type}
        >
          <time dateTime={event.at} className="timeline__time">
            {formatDateTime(event.at)}
          </time>
          <EventBody event={event} />
        </li>
      ))}
    </ol>
  );
}
