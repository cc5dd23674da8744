import type { TenantDb } from '../context';
import { availability, dataStart } from '../stats/intervals';
import { DAY_MS } from '../stats/windows';
import { factsMonitors, uptimeFacts } from './uptime-facts';

export const STATUS_PAGE_DAYS = 90;

/**
 * A status page's figures for each monitor, from the same definition as the stats API: one value per
 * UTC day of the last 90 (null without data) and the uptime over those days, counting only time with data.
 */
export async function statusPageUptime(db: TenantDb, orgId: string, monitorIds: string[], now: Date) {
  const to = now.getTime();
  const firstDay = Math.floor(to / DAY_MS) * DAY_MS - (STATUS_PAGE_DAYS - 1) * DAY_MS;
  const monitors = await factsMonitors(db, orgId, monitorIds);
  const facts = await uptimeFacts(db, orgId, monitors, firstDay, to);
  const out = new Map<
    string,
    {
      uptimePercent: number | null;
      dataSince: string | null;
      uptime90d: { date: string; uptimePercent: number | null }[];
    }
  >();
  for (const id of monitorIds) {
    const known = facts.get(id)?.facts ?? { down: [], maintenance: [], observed: [] };
    const days = [];
    for (let day = firstDay; day < to; day += DAY_MS) {
      days.push({
        date: new Date(day).toISOString().slice(0, 10),
        uptimePercent: availability(known, day, Math.min(day + DAY_MS, to)).uptimePercent,
      });
    }
    const since = dataStart(known, firstDay, to);
    out.set(id, {
      uptimePercent: availability(known, firstDay, to).uptimePercent,
      dataSince: since === null ? null : new Date(since).toISOString(),
      uptime90d: days,
    });
  }
  return out;
}
