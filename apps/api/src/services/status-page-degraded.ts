import {
  type DegradedSignals,
  degradedReason,
  type MonitorStatus,
  monitorShownState,
  readQuorum,
  type ShownState,
} from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { TenantDb } from '../context';

const HOUR_MS = 3_600_000;
const BASELINE_MS = 7 * 24 * HOUR_MS;
/** A latest slot older than this says nothing about now. */
const LATEST_SLOT_MS = 24 * HOUR_MS;

/**
 * Each monitor's shown state (docs/status-pages.md): an `up` monitor is degraded when fewer regions
 * than its quorum failed its latest scheduled slot, or when the p95 of its successful checks in the
 * last hour is above twice their p95 over the 7 days before that hour.
 */
export async function shownStates(
  db: TenantDb,
  orgId: string,
  monitors: { id: string; status: MonitorStatus }[],
  now: Date,
): Promise<Map<string, ShownState>> {
  const up = monitors.filter((m) => m.status === 'up').map((m) => m.id);
  const signals = up.length > 0 ? await degradedSignals(db, orgId, up, now) : new Map();
  return new Map(
    monitors.map((m) => {
      const s = signals.get(m.id);
      return [m.id, monitorShownState(m.status, s !== undefined && degradedReason(s) !== null)];
    }),
  );
}

async function degradedSignals(
  db: TenantDb,
  orgId: string,
  ids: string[],
  now: Date,
): Promise<Map<string, DegradedSignals>> {
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const configs = await db
    .selectFrom('monitors')
    .select(['id', 'config'])
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  const slots = await sql<{ monitor_id: string; reported: number; failed: number }>`
    WITH latest AS (
      SELECT monitor_id, max(scheduled_at) AS at FROM tenant_check_results
      WHERE org_id = ${orgId} AND monitor_id = ANY(${ids}::uuid[]) AND kind = 'scheduled'
        AND scheduled_at > ${new Date(now.getTime() - LATEST_SLOT_MS)} AND scheduled_at <= ${now}
      GROUP BY monitor_id
    )
    SELECT r.monitor_id, count(DISTINCT r.region)::int AS reported,
      count(DISTINCT r.region) FILTER (WHERE NOT r.ok)::int AS failed
    FROM tenant_check_results r JOIN latest l ON l.monitor_id = r.monitor_id AND r.scheduled_at = l.at
    WHERE r.org_id = ${orgId} AND r.kind = 'scheduled'
    GROUP BY r.monitor_id`.execute(db);
  const latency = await sql<{
    monitor_id: string;
    recent_p95: number | null;
    recent_n: number;
    base_p95: number | null;
    base_n: number;
  }>`
    SELECT monitor_id,
      percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE scheduled_at > ${hourAgo}) AS recent_p95,
      count(*) FILTER (WHERE scheduled_at > ${hourAgo})::int AS recent_n,
      percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE scheduled_at <= ${hourAgo}) AS base_p95,
      count(*) FILTER (WHERE scheduled_at <= ${hourAgo})::int AS base_n
    FROM tenant_check_results
    WHERE org_id = ${orgId} AND monitor_id = ANY(${ids}::uuid[]) AND kind = 'scheduled' AND ok
      AND latency_ms IS NOT NULL
      AND scheduled_at > ${new Date(hourAgo.getTime() - BASELINE_MS)} AND scheduled_at <= ${now}
    GROUP BY monitor_id`.execute(db);
  const slotOf = new Map(slots.rows.map((r) => [r.monitor_id, r]));
  const latencyOf = new Map(latency.rows.map((r) => [r.monitor_id, r]));
  const out = new Map<string, DegradedSignals>();
  for (const { id, config } of configs) {
    const slot = slotOf.get(id);
    const l = latencyOf.get(id);
    const regions = (config as { regions?: unknown }).regions;
    const expected = Array.isArray(regions) ? regions.length : 0;
    out.set(id, {
      latestSlot: slot ? { reported: Math.max(expected, slot.reported), failed: slot.failed } : null,
      quorum: readQuorum(config),
      recent: { p95: l?.recent_p95 ?? null, samples: l?.recent_n ?? 0 },
      baseline: { p95: l?.base_p95 ?? null, samples: l?.base_n ?? 0 },
    });
  }
  return out;
}
