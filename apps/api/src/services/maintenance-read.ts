import { sql } from 'kysely';
import type { TenantDb } from '../context';
import type { Interval } from '../stats/intervals';

/** Maintenance windows of each monitor overlapping [from, to): statistics leave them out. */
export async function maintenanceIntervals(
  db: TenantDb,
  orgId: string,
  monitorIds: string[],
  from: number,
  to: number,
): Promise<Map<string, Interval[]>> {
  const out = new Map<string, Interval[]>();
  if (monitorIds.length === 0) return out;
  const { rows } = await sql<{ monitor_id: string; starts_at: Date; ends_at: Date }>`
    SELECT wm.monitor_id, w.starts_at, w.ends_at
    FROM maintenance_window_monitors wm
    JOIN maintenance_windows w ON w.id = wm.window_id AND w.org_id = wm.org_id
    WHERE wm.org_id = ${orgId} AND wm.monitor_id = ANY(${monitorIds}::uuid[])
      AND w.starts_at < ${new Date(to)} AND w.ends_at > ${new Date(from)}`.execute(db);
  for (const row of rows) {
    const list = out.get(row.monitor_id) ?? [];
    list.push({ start: row.starts_at.getTime(), end: row.ends_at.getTime() });
    out.set(row.monitor_id, list);
  }
  return out;
}
