import { z } from 'zod';
import type { VerifyStep } from './consume-results';
import { monitorStatuses } from './schemas/monitor';

/**
 * Redis pub/sub channel of one organization's live events. One channel per organization: a
 * subscriber only ever receives the events of the organization it subscribed for.
 */
export const orgEventsChannel = (prefix: string, orgId: string) => `${prefix}:events:${orgId}`;

const at = z.iso.datetime();

/** What changed, for open dashboards to refresh: ids and kinds only, never a secret or a result body. */
export const liveEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('monitor.status'),
    monitorId: z.uuid(),
    status: z.enum(monitorStatuses),
    at,
  }),
  z.object({ type: z.literal('monitor.checked'), monitorId: z.uuid(), status: z.enum(monitorStatuses), at }),
  /** Created, edited, paused, resumed or deleted through the API. */
  z.object({ type: z.literal('monitor.changed'), monitorId: z.uuid(), at }),
  z.object({
    type: z.enum(['incident.opened', 'incident.acknowledged', 'incident.resolved']),
    monitorId: z.uuid(),
    incidentId: z.uuid().optional(),
    at,
  }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;

/** The most events one live message carries; a verification batch's events for an organization are split beyond it. */
export const MAX_LIVE_EVENTS_PER_MESSAGE = 500;

/**
 * One message on an organization's channel: a single event (as the API publishes one change), or
 * several (a verification batch's events of that organization), in order.
 */
export const liveMessageSchema = z.union([
  liveEventSchema.transform((event) => [event]),
  z.array(liveEventSchema).min(1).max(MAX_LIVE_EVENTS_PER_MESSAGE),
]);

/** The messages that carry `events`: one event alone as itself, several as an array (at most the maximum each). */
export function liveMessages(events: readonly LiveEvent[]): string[] {
  if (events.length === 1) return [JSON.stringify(events[0])];
  const messages: string[] = [];
  for (let i = 0; i < events.length; i += MAX_LIVE_EVENTS_PER_MESSAGE) {
    messages.push(JSON.stringify(events.slice(i, i + MAX_LIVE_EVENTS_PER_MESSAGE)));
  }
  return messages;
}

/**
 * The live events of one verification run: a status event per transition or notice, an incident
 * event when a down or up notice opened or resolved one, and one `monitor.checked` for new verdicts.
 */
export function liveEventsOfSteps(monitorId: string, steps: readonly VerifyStep[]): LiveEvent[] {
  const events: LiveEvent[] = [];
  for (const step of steps) {
    if (!step.transition && !step.notice) continue;
    const atIso = new Date(
      step.notice?.atMs ?? step.transition?.atMs ?? step.verdict.scheduledAtMs,
    ).toISOString();
    events.push({ type: 'monitor.status', monitorId, status: step.display, at: atIso });
    if (step.notice?.event === 'monitor.down') events.push({ type: 'incident.opened', monitorId, at: atIso });
    if (step.notice?.event === 'monitor.up') events.push({ type: 'incident.resolved', monitorId, at: atIso });
  }
  const last = steps.at(-1);
  if (last) {
    events.push({
      type: 'monitor.checked',
      monitorId,
      status: last.display,
      at: new Date(last.verdict.scheduledAtMs).toISOString(),
    });
  }
  return events;
}
