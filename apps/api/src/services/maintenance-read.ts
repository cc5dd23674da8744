import { maintenanceOccurrences } from '@sentinelmesh/core';
import { type WindowTimes, windowRule } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { TenantDb } from '../context';
import type { Interval } from '../stats/intervals';

/** Maintenance of each monitor overlapping [from, to), occurrences of recurring windows included: statistics leave them out. */
export async function maintenanceIntervals(
  db: TenantDb,
  orgId: string,
  monitorIds: string[],
  from: number,
  to: number,
): Promise<Map<string, Interval[]>> {
  const out = new Map<string, Interval[]>();
  if (monitorIds.length === 0) return out;
  const { rows } = await sql<WindowTimes & { monitor_id: string }>`
    SELECT wm.monitor_id, w.starts_at, w.ends_at,
      w.recurrence_rule, w.recurrence_time_zone, w.recurrence_duration_minutes
    FROM maintenance_window_monitors wm
    JOIN maintenance_windows w ON w.id = wm.window_id AND w.org_id = wm.org_id
    WHERE wm.org_id = ${orgId} AND wm.monitor_id = ANY(${monitorIds}::uuid[])
      AND w.starts_at < ${new Date(to)} AND w.ends_at > ${new Date(from)}`.execute(db);
  for (const row of rows) {
    const list = out.get(row.monitor_id) ?? [];
    for (const span of maintenanceOccurrences(windowRule(row), from, to)) {
      list.push({ start: span.startMs, end: span.endMs });
    }
    out.set(row.monitor_id, list);
  }
  return out;
}
