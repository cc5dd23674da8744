import { sql } from 'kysely';
import type { TenantDb } from '../context';
import type { IncidentSpan } from '../stats/assemble';
import { observedIntervals } from '../stats/coverage';
import type { UptimeFacts } from '../stats/intervals';
import { floorTo, HOUR_MS } from '../stats/windows';
import { maintenanceIntervals } from './maintenance-read';
import { type ResultHorizons, resultHorizons } from './result-horizons';

function append<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** What the facts of a monitor are read for: its id, creation and check interval. */
export interface FactsMonitor {
  id: string;
  createdAt: number;
  intervalMs: number;
}

/** Down incidents of each monitor overlapping [from, to); an open one lasts until `to`. */
export async function incidentSpans(
  db: TenantDb,
  orgId: string,
  monitorIds: string[],
  from: number,
  to: number,
): Promise<Map<string, IncidentSpan[]>> {
  const out = new Map<string, IncidentSpan[]>();
  if (monitorIds.length === 0) return out;
  const rows = await db
    .selectFrom('incidents')
    .select(['id', 'monitor_id', 'opened_at', 'resolved_at'])
    .where('org_id', '=', orgId)
    .where('monitor_id', 'in', monitorIds)
    .where('opened_at', '<', new Date(to))
    .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>', new Date(from))]))
    .orderBy('opened_at')
    .execute();
  for (const row of rows) {
    const end = row.resolved_at ? row.resolved_at.getTime() : to;
    append(out, row.monitor_id, {
      id: row.id,
      start: row.opened_at.getTime(),
      end,
      open: row.resolved_at === null,
    });
  }
  return out;
}

/**
 * The hours holding a scheduled check of each monitor, from `from` (less one interval, whose checks
 * still cover it) to `to`: whole rolled-up hours from the rollups, the rest from raw results.
 */
async function checkHours(
  db: TenantDb,
  orgId: string,
  monitors: FactsMonitor[],
  from: number,
  to: number,
  horizons: ResultHorizons,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (monitors.length === 0) return out;
  const ids = monitors.map((m) => m.id);
  const longest = Math.max(...monitors.map((m) => m.intervalMs));
  const start = floorTo(from - longest, HOUR_MS);
  const rolledTo = Math.max(start, floorTo(Math.min(horizons.rolledThrough, to), HOUR_MS));
  const { rows } = await sql<{ monitor_id: string; hour: Date }>`
    SELECT DISTINCT monitor_id, hour FROM tenant_check_rollups_hourly
    WHERE org_id = ${orgId} AND monitor_id = ANY(${ids}::uuid[]) AND checks > 0
      AND hour >= ${new Date(start)} AND hour < ${new Date(rolledTo)}
    UNION
    SELECT DISTINCT monitor_id, date_bin(interval '1 hour', scheduled_at, timestamptz 'epoch')
    FROM tenant_check_results
    WHERE org_id = ${orgId} AND monitor_id = ANY(${ids}::uuid[]) AND kind = 'scheduled'
      AND scheduled_at >= ${new Date(rolledTo)} AND scheduled_at < ${new Date(to)}`.execute(db);
  for (const row of rows) append(out, row.monitor_id, row.hour.getTime());
  return out;
}

/** Each monitor's first scheduled check, for monitors whose raw results retention has not thinned. */
async function firstChecks(
  db: TenantDb,
  orgId: string,
  monitors: FactsMonitor[],
  horizons: ResultHorizons,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const ids = monitors.filter((m) => m.createdAt >= horizons.rawFrom).map((m) => m.id);
  if (ids.length === 0) return out;
  const { rows } = await sql<{ id: string; first: Date | null }>`
    SELECT m.id, (SELECT min(r.scheduled_at) FROM tenant_check_results r
      WHERE r.org_id = ${orgId} AND r.monitor_id = m.id AND r.kind = 'scheduled') AS first
    FROM unnest(${ids}::uuid[]) AS m(id)`.execute(db);
  for (const row of rows) if (row.first) out.set(row.id, row.first.getTime());
  return out;
}

/**
 * The facts every uptime figure is computed from, for each monitor over [from, to): incidents,
 * maintenance and the time its checks cover. Reads one after another: a transaction is one connection.
 */
export async function uptimeFacts(
  db: TenantDb,
  orgId: string,
  monitors: FactsMonitor[],
  from: number,
  to: number,
): Promise<Map<string, { facts: UptimeFacts; incidents: IncidentSpan[] }>> {
  const ids = monitors.map((m) => m.id);
  const incidents = await incidentSpans(db, orgId, ids, from, to);
  const quiet = await maintenanceIntervals(db, orgId, ids, from, to);
  const horizons = await resultHorizons(db);
  const hours = await checkHours(db, orgId, monitors, from, to, horizons);
  const firsts = await firstChecks(db, orgId, monitors, horizons);
  const out = new Map<string, { facts: UptimeFacts; incidents: IncidentSpan[] }>();
  for (const m of monitors) {
    const spans = incidents.get(m.id) ?? [];
    const observed = observedIntervals(
      { hours: hours.get(m.id) ?? [], firstCheckAt: firsts.get(m.id) ?? null, intervalMs: m.intervalMs },
      to,
    );
    out.set(m.id, { facts: { down: spans, maintenance: quiet.get(m.id) ?? [], observed }, incidents: spans });
  }
  return out;
}

/** The monitors' creation and interval, as the facts need them; only this organization's. */
export async function factsMonitors(db: TenantDb, orgId: string, ids: string[]): Promise<FactsMonitor[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('monitors')
    .select(['id', 'created_at', sql<number | null>`(config->>'intervalSeconds')::integer`.as('interval')])
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.created_at.getTime(),
    intervalMs: (row.interval ?? 60) * 1000,
  }));
}
