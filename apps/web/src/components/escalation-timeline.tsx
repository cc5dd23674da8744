'use client';

import type { EscalationTimeline } from '../lib/api-types';
import { formatDateTime } from '../lib/format';
import { useEscalationTimeline } from '../lib/queries';
import { acknowledgerName } from './incident-timeline';
import { ProblemBanner } from './problem-banner';

type Notification = EscalationTimeline['notifications'][number];

/** Why this recipient was notified: a policy step (and round), a reminder, or the monitor's channels. */
function reason(n: Notification): string {
  if (n.step !== null) return `Step ${n.step + 1}${n.round ? ` (repeat ${n.round})` : ''}`;
  if (n.reminder !== null) return `Reminder ${n.reminder}`;
  if (n.event === 'monitor.up') return 'Resolved';
  if (n.event === 'incident.acknowledged') return 'Acknowledgement';
  return 'Channels';
}

function recipient(n: Notification): string {
  const name = n.recipient.name ?? (n.recipient.type === 'member' ? 'a former member' : 'a deleted channel');
  return n.recipient.type === 'member' ? `${name} (email)` : name;
}

/** The incident's escalation: each notification with its step, recipient and delivery, then the acknowledgement. */
export function EscalationTimelineSection({ incidentId }: { incidentId: string }) {
  const query = useEscalationTimeline(incidentId);
  const timeline = query.data;
  return (
    <section aria-labelledby="escalation-title" className="section">
      <h2 id="escalation-title">Escalation</h2>
      {query.error ? <ProblemBanner error={query.error} onRetry={() => void query.refetch()} /> : null}
      {timeline ? (
        <>
          <p>
            {timeline.policy
              ? `Policy: ${timeline.policy.name}.`
              : 'The monitor alerts its channels (no policy).'}
            {timeline.nextStepAt ? ` Next step ${formatDateTime(timeline.nextStepAt)}.` : ''}
            {timeline.nextReminderAt ? ` Next reminder ${formatDateTime(timeline.nextReminderAt)}.` : ''}
          </p>
          {timeline.notifications.length === 0 ? (
            <p>Nobody was notified.</p>
          ) : (
            <table className="table table--cards" aria-label="Notifications">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Why</th>
                  <th scope="col">Who</th>
                  <th scope="col">Delivery</th>
                </tr>
              </thead>
              <tbody>
                {timeline.notifications.map((n) => (
                  <tr key={n.alertId}>
                    <td data-label="When">{formatDateTime(n.at)}</td>
                    <td data-label="Why">{reason(n)}</td>
                    <td data-label="Who">{recipient(n)}</td>
                    <td data-label="Delivery">
                      {n.status}
                      {n.lastError ? ` (${n.lastError})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p>
            {timeline.acknowledgement
              ? `Acknowledged by ${acknowledgerName(timeline.acknowledgement.by)}${
                  timeline.acknowledgement.viaLink ? ' through the alert’s link' : ''
                }, ${formatDateTime(timeline.acknowledgement.at)}.`
              : 'Not acknowledged.'}
          </p>
        </>
      ) : null}
    </section>
  );
}
