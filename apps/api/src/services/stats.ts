import { sql } from 'kysely';
import type { TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { assembleStats, type BucketRow } from '../stats/assemble';
import type { Interval } from '../stats/intervals';
import { LATENCY_BUCKET_BOUNDS } from '../stats/latency-buckets';
import { ceilTo, floorTo, HOUR_MS, type StatsWindow, windowSpecs } from '../stats/windows';
import { maintenanceIntervals } from './maintenance-read';

const bounds = sql.raw(`ARRAY[${LATENCY_BUCKET_BOUNDS.join(',')}]::integer[]`);
export const ROLLUPS_THROUGH_KEY = 'rollups_hourly_through';
/** Raw results before this were removed by retention (set by the retention job). */
export const RESULTS_RETAINED_FROM_KEY = 'results_retained_from';

/** Which hours the rollups hold and which raw results are still kept; hides the storage engine. */
export async function resultHorizons(db: TenantDb): Promise<{ rolledThrough: number; rawFrom: number }> {
  const { rows } = await sql<{ storage: string | null; through: string | null; retained: string | null }>`
    SELECT (SELECT value FROM meta WHERE key = 'check_results_storage') AS storage,
      (SELECT value FROM meta WHERE key = ${ROLLUPS_THROUGH_KEY}) AS through,
      (SELECT value FROM meta WHERE key = ${RESULTS_RETAINED_FROM_KEY}) AS retained`.execute(db);
  const row = rows[0];
  const at = (value: string | null | undefined, missing: number) => {
    const ms = value ? Date.parse(value) : Number.NaN;
    return Number.isFinite(ms) ? ms : missing;
  };
  // TimescaleDB's real-time aggregate is complete up to now.
  const rolledThrough =
    row?.storage === 'timescale' ? Number.POSITIVE_INFINITY : at(row?.through, Number.NEGATIVE_INFINITY);
  return { rolledThrough, rawFrom: at(row?.retained, Number.NEGATIVE_INFINITY) };
}

type Row = { at: Date; bucket: number; checks: number; failed: number };

/**
 * Histogram rows per chart bin: whole rolled-up hours from the rollups, the edges from raw results.
 * Where retention has removed the raw results of the window's first partial hour, that whole hour
 * comes from the rollups instead.
 */
async function bucketRows(
  db: TenantDb,
  orgId: string,
  monitorId: string,
  range: { from: number; to: number; stepMs: number; rollups: boolean },
): Promise<BucketRow[]> {
  const step = sql.raw(`interval '${range.stepMs / 1000} seconds'`);
  const horizons = range.rollups ? await resultHorizons(db) : null;
  const firstHour =
    horizons && range.from < horizons.rawFrom ? floorTo(range.from, HOUR_MS) : ceilTo(range.from, HOUR_MS);
  const through = horizons ? Math.min(horizons.rolledThrough, range.to) : firstHour;
  const rolledTo = Math.max(firstHour, Math.floor(through / HOUR_MS) * HOUR_MS);
  const raw = (start: number, end: number) => sql<Row>`
    SELECT date_bin(${step}, scheduled_at, timestamptz 'epoch') AS at,
      coalesce(width_bucket(latency_ms, ${bounds}), -1) AS bucket,
      count(*)::integer AS checks, (count(*) FILTER (WHERE NOT ok))::integer AS failed
    FROM tenant_check_results
    WHERE org_id = ${orgId} AND monitor_id = ${monitorId} AND kind = 'scheduled'
      AND scheduled_at >= ${new Date(start)} AND scheduled_at < ${new Date(end)}
    GROUP BY 1, 2`;
  // One statement, one round trip: the rolled-up middle and the raw edges.
  const query =
    rolledTo > firstHour
      ? sql<Row>`
        SELECT date_bin(${step}, hour, timestamptz 'epoch') AS at, bucket,
          sum(checks)::integer AS checks, sum(failed)::integer AS failed
        FROM tenant_check_rollups_hourly
        WHERE org_id = ${orgId} AND monitor_id = ${monitorId}
          AND hour >= ${new Date(firstHour)} AND hour < ${new Date(rolledTo)}
        GROUP BY 1, 2
        UNION ALL ${raw(range.from, Math.max(range.from, firstHour))}
        UNION ALL ${raw(rolledTo, range.to)}`
      : raw(range.from, range.to);
  const { rows } = await query.execute(db);
  return rows.map((row) => ({ ...row, at: row.at.getTime() }));
}

/** Down incidents of a monitor overlapping [from, to); an open one lasts until `to`. */
export async function downIntervals(
  db: TenantDb,
  orgId: string,
  monitorIds: string[],
  from: number,
  to: number,
): Promise<Map<string, Interval[]>> {
  const out = new Map<string, Interval[]>();
  if (monitorIds.length === 0) return out;
  const rows = await db
    .selectFrom('incidents')
    .select(['monitor_id', 'opened_at', 'resolved_at'])
    .where('org_id', '=', orgId)
    .where('monitor_id', 'in', monitorIds)
    .where('opened_at', '<', new Date(to))
    .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>', new Date(from))]))
    .execute();
  for (const row of rows) {
    const list = out.get(row.monitor_id) ?? [];
    list.push({ start: row.opened_at.getTime(), end: row.resolved_at ? row.resolved_at.getTime() : to });
    out.set(row.monitor_id, list);
  }
  return out;
}

/** Statistics over the window ending now; the window starts no earlier than the monitor's creation. */
export async function monitorStats(ctx: TenantContext, input: { monitorId: string; window: StatsWindow }) {
  const { db, orgId } = ctx;
  const { monitorId, window } = input;
  const now = ctx.clock.now();
  const monitor = await db
    .selectFrom('monitors')
    .select('created_at')
    .where('org_id', '=', orgId)
    .where('id', '=', monitorId)
    .executeTakeFirst();
  if (!monitor) throw apiErrors.notFound('monitor');
  const spec = windowSpecs[window];
  const to = now.getTime();
  const from = Math.min(to, Math.max(to - spec.ms, monitor.created_at.getTime()));
  // Reads one after another: a transaction is a single connection.
  const rows = await bucketRows(db, orgId, monitorId, {
    from,
    to,
    stepMs: spec.stepMs,
    rollups: spec.rollups,
  });
  const incidents = (await downIntervals(db, orgId, [monitorId], from, to)).get(monitorId) ?? [];
  const maintenance = (await maintenanceIntervals(db, orgId, [monitorId], from, to)).get(monitorId) ?? [];
  return assembleStats({ window, from, to, stepMs: spec.stepMs, rows, incidents, maintenance });
}
