import { sql } from 'kysely';
import type { TenantContext } from '../context';
import { apiErrors } from '../errors';
import { isUuid } from '../http/ids';
import { MAX_BULK_IDS } from '../schemas/monitor-actions';

interface RecentRow {
  monitor_id: string;
  scheduled_at: Date | null;
  ok: boolean | null;
  failed: number | null;
  regions: number | null;
  latency_ms: number | null;
  cert_expires_at: Date | null;
}

/** Comma-separated ids of the query, without repeats; more than a list page holds is a 400. */
export function parseIdList(text: string): string[] {
  const ids = [
    ...new Set(
      text
        .split(',')
        .map((id) => id.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (ids.length > MAX_BULK_IDS) {
    throw apiErrors.invalid('query', [{ path: 'ids', message: `at most ${MAX_BULK_IDS} monitor ids` }]);
  }
  return ids;
}

/**
 * The last `limit` scheduled slots of each monitor (one tick per slot: ok when every region that
 * reported it succeeded) and the expiry of the newest certificate seen, for a whole page of the list
 * in one query. Slots are looked for within `limit + 2` intervals (at least a day) before now, so
 * the query reads the partitions of that span only. Ids of other organizations are left out.
 */
export async function recentChecks(ctx: TenantContext, input: { ids: string; limit: number }) {
  const ids = parseIdList(input.ids).filter(isUuid);
  if (ids.length === 0) return { items: [] };
  const now = ctx.clock.now();
  const { rows } = await sql<RecentRow>`
    SELECT m.id AS monitor_id, r.scheduled_at, r.ok, r.failed, r.regions, r.latency_ms, c.cert_expires_at
    FROM (
      SELECT id, ${now}::timestamptz - make_interval(secs => greatest(interval_seconds * ${input.limit + 2}, 86400))
        AS since
      FROM monitors WHERE org_id = ${ctx.orgId} AND id = ANY(${ids}::uuid[])
    ) m
    LEFT JOIN LATERAL (
      SELECT t.scheduled_at, bool_and(t.ok) AS ok, (count(*) FILTER (WHERE NOT t.ok))::int AS failed,
        count(*)::int AS regions, round(avg(t.latency_ms))::int AS latency_ms
      FROM tenant_check_results t
      WHERE t.monitor_id = m.id AND t.kind = 'scheduled' AND t.scheduled_at >= m.since
        AND t.scheduled_at <= ${now}::timestamptz + interval '1 day'
      GROUP BY t.scheduled_at ORDER BY t.scheduled_at DESC LIMIT ${input.limit}
    ) r ON true
    LEFT JOIN LATERAL (
      SELECT t.cert_expires_at FROM tenant_check_results t
      WHERE t.monitor_id = m.id AND t.cert_expires_at IS NOT NULL AND t.scheduled_at >= m.since
      ORDER BY t.scheduled_at DESC LIMIT 1
    ) c ON true
    ORDER BY m.id, r.scheduled_at ASC
  `.execute(ctx.db);
  const byMonitor = new Map<
    string,
    { monitorId: string; checks: ReturnType<typeof tick>[]; certExpiresAt: string | null }
  >();
  for (const row of rows) {
    let item = byMonitor.get(row.monitor_id);
    if (!item) {
      item = {
        monitorId: row.monitor_id,
        checks: [],
        certExpiresAt: row.cert_expires_at ? row.cert_expires_at.toISOString() : null,
      };
      byMonitor.set(row.monitor_id, item);
    }
    if (row.scheduled_at) item.checks.push(tick(row, row.scheduled_at));
  }
  return { items: [...byMonitor.values()] };
}

const tick = (row: RecentRow, at: Date) => ({
  scheduledAt: at.toISOString(),
  ok: row.ok === true,
  failedRegions: row.failed ?? 0,
  regions: row.regions ?? 0,
  latencyMs: row.latency_ms,
});
