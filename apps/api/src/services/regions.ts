import { sql } from 'kysely';
import type { TenantContext } from '../context';

/**
 * Each region the organization's monitors use, with its status from the latest region notice the
 * verifier wrote for the organization (live when there is none).
 */
export async function listRegions(ctx: TenantContext) {
  const { orgId } = ctx;
  const { rows } = await sql<{ region: string; event: string | null; at: Date | null }>`
    SELECT used.region, latest.event, latest.created_at AS at
    FROM (
      SELECT DISTINCT jsonb_array_elements_text(config -> 'regions') AS region
      FROM monitors WHERE org_id = ${orgId}
    ) AS used
    LEFT JOIN LATERAL (
      SELECT event, created_at FROM region_notices n
      WHERE n.org_id = ${orgId} AND n.region = used.region
      ORDER BY created_at DESC LIMIT 1
    ) AS latest ON true
    ORDER BY used.region
  `.execute(ctx.db);
  return {
    items: rows.map((row) => ({
      region: row.region,
      status: row.event === 'region.degraded' ? ('degraded' as const) : ('live' as const),
      since: row.at ? row.at.toISOString() : null,
    })),
  };
}
