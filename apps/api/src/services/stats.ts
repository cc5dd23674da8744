import { sql } from 'kysely';
import type { TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { assembleStats, type BucketRow, type CheckPoint } from '../stats/assemble';
import { LATENCY_BUCKET_BOUNDS } from '../stats/latency-buckets';
import {
  ceilTo,
  floorTo,
  HOUR_MS,
  MAX_RANGE_MS,
  RAW_POINTS_LIMIT,
  RAW_POINTS_MAX_RANGE_MS,
  type StatsWindow,
  specFor,
  windowSpecs,
} from '../stats/windows';
import { resultHorizons } from './result-horizons';
import { factsMonitors, uptimeFacts } from './uptime-facts';

export { RESULTS_RETAINED_FROM_KEY, ROLLUPS_THROUGH_KEY, resultHorizons } from './result-horizons';

const bounds = sql.raw(`ARRAY[${LATENCY_BUCKET_BOUNDS.join(',')}]::integer[]`);

type Row = { at: Date; bucket: number; checks: number; failed: number };

/**
 * Histogram rows per chart bin: whole rolled-up hours from the rollups, the edges from raw results.
 * Where retention has removed the raw results of the window's first partial hour, that whole hour
 * comes from the rollups instead.
 */
export async function bucketRows(
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

/** Each check of a short range (confirmations too), oldest first; null when there are too many. */
async function checkPoints(
  db: TenantDb,
  orgId: string,
  monitorId: string,
  from: number,
  to: number,
): Promise<CheckPoint[] | null> {
  if (to - from > RAW_POINTS_MAX_RANGE_MS) return null;
  const rows = await db
    .selectFrom('tenant_check_results')
    .select(['scheduled_at', 'checked_at', 'region', 'kind', 'ok', 'latency_ms'])
    .where('org_id', '=', orgId)
    .where('monitor_id', '=', monitorId)
    .where('scheduled_at', '>=', new Date(from))
    .where('scheduled_at', '<', new Date(to))
    .orderBy('scheduled_at')
    .orderBy('checked_at')
    .limit(RAW_POINTS_LIMIT + 1)
    .execute();
  if (rows.length > RAW_POINTS_LIMIT) return null;
  return rows.map((row) => ({
    at: (row.checked_at ?? row.scheduled_at).getTime(),
    region: row.region,
    kind: row.kind as CheckPoint['kind'],
    ok: row.ok,
    latencyMs: row.latency_ms,
  }));
}

/** What statistics read with: a tenant transaction, its organization and the clock. */
export type StatsContext = Pick<TenantContext, 'db' | 'orgId' | 'clock'>;

export type StatsRange = { window: StatsWindow } | { from: string; to?: string | undefined };

/** The range asked for: a named window ending now, or `from`/`to` (to at most now). */
export function resolveRange(range: StatsRange, now: number) {
  if ('window' in range) {
    const spec = windowSpecs[range.window];
    return { window: range.window, from: now - spec.ms, to: now, spec };
  }
  const from = Date.parse(range.from);
  const to = Math.min(range.to === undefined ? now : Date.parse(range.to), now);
  if (from >= to) {
    throw apiErrors.invalid('range', [{ path: 'from', message: 'must be before `to` and before now' }]);
  }
  if (to - from > MAX_RANGE_MS) {
    throw apiErrors.invalid('range', [{ path: 'from', message: 'the range may span at most 90 days' }]);
  }
  return { window: 'custom' as const, from, to, spec: specFor(to - from) };
}

/**
 * Statistics of one monitor over a window ending now or a custom range. Time before the monitor's
 * first check, in gaps and in maintenance has no data: it counts neither as up nor as down.
 */
export async function monitorStats(
  ctx: StatsContext,
  input: { monitorId: string; range: StatsRange; points?: boolean },
) {
  const { db, orgId } = ctx;
  const [monitor] = await factsMonitors(db, orgId, [input.monitorId]);
  if (!monitor) throw apiErrors.notFound('monitor');
  const { window, from, to, spec } = resolveRange(input.range, ctx.clock.now().getTime());
  // Reads one after another: a transaction is a single connection.
  const rows = await bucketRows(db, orgId, monitor.id, {
    from,
    to,
    stepMs: spec.stepMs,
    rollups: spec.rollups,
  });
  const points = input.points ? await checkPoints(db, orgId, monitor.id, from, to) : null;
  const facts = (await uptimeFacts(db, orgId, [monitor], from, to)).get(monitor.id);
  if (!facts) throw apiErrors.notFound('monitor');
  return assembleStats({
    window,
    from,
    to,
    stepMs: spec.stepMs,
    rows,
    facts: facts.facts,
    incidents: facts.incidents,
    points,
  });
}
