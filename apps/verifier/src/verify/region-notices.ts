import type { RegionEvent } from '@sentinelmesh/core';
import type { Database, Db } from '@sentinelmesh/db';
import { sql, type Transaction } from 'kysely';

/**
 * Tells the organization about regions that went silent or report again, once per change: under a
 * transaction lock per organization and region, a notice is written only when it differs from the
 * latest one, so monitors seeing the same outage write one `region.degraded` and one
 * `region.restored`. Returns the notices written. Call with events sorted by region, after every
 * state row is locked, so the locks are always taken in one order.
 */
export async function recordRegionNotices(
  trx: Transaction<Database>,
  orgId: string,
  events: readonly RegionEvent[],
): Promise<RegionEvent[]> {
  const written: RegionEvent[] = [];
  for (const event of events) {
    await sql`SELECT pg_advisory_xact_lock(hashtext('region-notice'), hashtext(${`${orgId}/${event.region}`}))`.execute(
      trx,
    );
    const latest = await trx
      .selectFrom('region_notices')
      .select('event')
      .where('org_id', '=', orgId)
      .where('region', '=', event.region)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const current = latest?.event ?? 'region.restored';
    if (current === event.event) continue;
    await trx
      .insertInto('region_notices')
      .values({ org_id: orgId, region: event.region, event: event.event, created_at: sql`clock_timestamp()` })
      .execute();
    written.push(event);
  }
  return written;
}

/** Regions named in any organization's notices, and whether one is degraded for any of them now. */
export async function regionStatuses(db: Db): Promise<Map<string, boolean>> {
  const { rows } = await sql<{ region: string; degraded: boolean }>`
    SELECT region, bool_or(event = 'region.degraded') AS degraded FROM (
      SELECT DISTINCT ON (org_id, region) org_id, region, event
      FROM region_notices ORDER BY org_id, region, created_at DESC
    ) AS latest GROUP BY region
  `.execute(db);
  return new Map(rows.map((r) => [r.region, r.degraded]));
}
