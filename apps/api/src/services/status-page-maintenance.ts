import { maintenanceOccurrences } from '@sentinelmesh/core';
import { windowRule, windowTimeColumns } from '@sentinelmesh/db';
import type { TenantDb } from '../context';

/** How far ahead a status page announces maintenance. */
export const UPCOMING_DAYS = 7;
/** Occurrences a page lists at most, soonest first. */
const MAX_LISTED = 20;

/**
 * The maintenance a status page announces: occurrences running now and those starting in the next
 * days, of the windows over the page's monitors (each naming only the page's monitors it covers).
 */
export async function pageMaintenance(db: TenantDb, orgId: string, monitorIds: string[], now: Date) {
  const nowMs = now.getTime();
  const horizonMs = nowMs + UPCOMING_DAYS * 86_400_000;
  const rows =
    monitorIds.length === 0
      ? []
      : await db
          .selectFrom('maintenance_windows as w')
          .innerJoin('maintenance_window_monitors as wm', (join) =>
            join.onRef('wm.window_id', '=', 'w.id').onRef('wm.org_id', '=', 'w.org_id'),
          )
          .select(['w.id', 'w.name', ...windowTimeColumns.map((c) => `w.${c}` as const)])
          .select((eb) => eb.fn.agg<string[]>('array_agg', ['wm.monitor_id']).as('monitor_ids'))
          .where('w.org_id', '=', orgId)
          .where('wm.monitor_id', 'in', monitorIds)
          .where('w.starts_at', '<', new Date(horizonMs))
          .where('w.ends_at', '>', now)
          .groupBy('w.id')
          .execute();
  const occurrences = rows.flatMap((row) =>
    maintenanceOccurrences(windowRule(row), nowMs, horizonMs, MAX_LISTED).map((o) => ({
      windowId: row.id,
      name: row.name,
      startsAt: new Date(o.startMs).toISOString(),
      endsAt: new Date(o.endMs).toISOString(),
      monitorIds: monitorIds.filter((id) => row.monitor_ids.includes(id)),
    })),
  );
  occurrences.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.windowId.localeCompare(b.windowId));
  const active = occurrences.filter((o) => Date.parse(o.startsAt) <= nowMs);
  const upcoming = occurrences.filter((o) => Date.parse(o.startsAt) > nowMs);
  return { active, upcoming: upcoming.slice(0, MAX_LISTED) };
}
