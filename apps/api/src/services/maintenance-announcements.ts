import type { TenantContext } from '../context';
import { announce } from './status-page-announcements';

/** What a subscriber is told of a window: its name, its monitors and its next occurrence. */
export interface AnnouncedWindow {
  id: string;
  name: string;
  monitorIds: string[];
  recurrence: { rrule: string; timeZone: string } | null;
  nextOccurrences: { startsAt: string; endsAt: string }[];
}

/**
 * Tells the subscribers of every status page showing one of the window's monitors that maintenance
 * is scheduled, in the caller's transaction. Keyed by the next occurrence's start: saving a window
 * again without moving it announces nothing new, moving it announces the new time once.
 */
export async function announceMaintenance(ctx: TenantContext, window: AnnouncedWindow): Promise<void> {
  const next = window.nextOccurrences[0];
  if (!next || Date.parse(next.startsAt) <= ctx.clock.now().getTime() || window.monitorIds.length === 0)
    return;
  const pages = await ctx.db
    .selectFrom('status_page_monitors')
    .select('status_page_id')
    .distinct()
    .where('org_id', '=', ctx.orgId)
    .where('monitor_id', 'in', window.monitorIds)
    .execute();
  const repeats = window.recurrence
    ? ` It repeats (${window.recurrence.rrule}, ${window.recurrence.timeZone}).`
    : '';
  await announce(ctx.db, {
    orgId: ctx.orgId,
    statusPageIds: pages.map((p) => p.status_page_id),
    kind: 'maintenance.scheduled',
    subjectId: window.id,
    occurrenceKey: next.startsAt,
    title: `Scheduled maintenance: ${window.name}`,
    body: `From ${next.startsAt} to ${next.endsAt} (UTC).${repeats}`,
    at: ctx.clock.now(),
  });
}
