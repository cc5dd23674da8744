import type { Database } from '@sentinelmesh/db';
import type { Kysely } from 'kysely';
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

export type MaintenanceKind = 'maintenance.scheduled' | 'maintenance.started' | 'maintenance.completed';

/** One occurrence of a window, in ISO UTC; its start is the occurrence's key in every announcement. */
export interface Occurrence {
  startsAt: string;
  endsAt: string;
}

/** Monitor names listed in one message at most; the rest are counted. */
const NAMED_MONITORS = 5;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const dayOf = (d: Date) =>
  `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
const timeOf = (d: Date) => d.toISOString().slice(11, 16);

/** "Sun 29 Mar 2026, 01:00–03:00 UTC", or both days when it spans midnight. */
export function utcSpan(occurrence: Occurrence): string {
  const start = new Date(occurrence.startsAt);
  const end = new Date(occurrence.endsAt);
  return dayOf(start) === dayOf(end)
    ? `${dayOf(start)}, ${timeOf(start)}–${timeOf(end)} UTC`
    : `${dayOf(start)} ${timeOf(start)} – ${dayOf(end)} ${timeOf(end)} UTC`;
}

function affects(names: string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, NAMED_MONITORS).join(', ');
  const more = names.length > NAMED_MONITORS ? ` and ${names.length - NAMED_MONITORS} more` : '';
  return `\nAffects: ${shown}${more}.`;
}

/** The title and body of one announcement: short lines, times in UTC. */
export function maintenanceMessage(
  kind: MaintenanceKind,
  window: Pick<AnnouncedWindow, 'name' | 'recurrence'>,
  occurrence: Occurrence,
  monitorNames: string[] = [],
): { title: string; body: string } {
  const span = utcSpan(occurrence);
  if (kind === 'maintenance.started') {
    return {
      title: `Maintenance started: ${window.name}`,
      body: `Under way now: ${span}.${affects(monitorNames)}`,
    };
  }
  if (kind === 'maintenance.completed') {
    return {
      title: `Maintenance completed: ${window.name}`,
      body: `Finished: ${span}.${affects(monitorNames)}`,
    };
  }
  const repeats = window.recurrence
    ? `\nIt repeats (${window.recurrence.rrule}, ${window.recurrence.timeZone}).`
    : '';
  return {
    title: `Scheduled maintenance: ${window.name}`,
    body: `${span}.${affects(monitorNames)}${repeats}`,
  };
}

/**
 * Announces one occurrence of a window to the subscribers of every page showing one of its monitors,
 * in the caller's tenant transaction, naming the monitors each page shows. Keyed by the occurrence's
 * start, so announcing it again (on save, or by jobs/maintenance-announcements.ts) queues nothing
 * new. Answers the pages told.
 */
export async function announceOccurrence(
  db: Kysely<Database>,
  input: {
    orgId: string;
    window: Pick<AnnouncedWindow, 'id' | 'name' | 'monitorIds' | 'recurrence'>;
    kind: MaintenanceKind;
    occurrence: Occurrence;
    at: Date;
  },
): Promise<string[]> {
  const { orgId, window, kind, occurrence } = input;
  if (window.monitorIds.length === 0) return [];
  const shown = await db
    .selectFrom('status_page_monitors as spm')
    .innerJoin('monitors as m', (join) =>
      join.onRef('m.id', '=', 'spm.monitor_id').onRef('m.org_id', '=', 'spm.org_id'),
    )
    .select(['spm.status_page_id', 'm.name'])
    .where('spm.org_id', '=', orgId)
    .where('spm.monitor_id', 'in', window.monitorIds)
    .orderBy('spm.status_page_id')
    .orderBy('spm.position')
    .execute();
  const pages = new Map<string, string[]>();
  for (const row of shown)
    pages.set(row.status_page_id, [...(pages.get(row.status_page_id) ?? []), row.name]);
  for (const [pageId, names] of pages) {
    await announce(db, {
      orgId,
      statusPageIds: [pageId],
      kind,
      subjectId: window.id,
      occurrenceKey: occurrence.startsAt,
      ...maintenanceMessage(kind, window, occurrence, names),
      at: input.at,
    });
  }
  return [...pages.keys()];
}

/**
 * Tells the subscribers of every status page showing one of the window's monitors that maintenance
 * is scheduled, in the caller's transaction. Keyed by the next occurrence's start: saving a window
 * again without moving it announces nothing new, moving it announces the new time once.
 */
export async function announceMaintenance(ctx: TenantContext, window: AnnouncedWindow): Promise<void> {
  const next = window.nextOccurrences[0];
  if (!next || Date.parse(next.startsAt) <= ctx.clock.now().getTime()) return;
  await announceOccurrence(ctx.db, {
    orgId: ctx.orgId,
    window,
    kind: 'maintenance.scheduled',
    occurrence: next,
    at: ctx.clock.now(),
  });
}
