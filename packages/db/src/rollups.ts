import { type Kysely, sql } from 'kysely';
import { LATENCY_BUCKET_BOUNDS } from './migrations/0004-api';
import type { Database } from './schema';

const bounds = sql.raw(`ARRAY[${LATENCY_BUCKET_BOUNDS.join(',')}]::integer[]`);

/**
 * Adds the hourly rollup rows of the scheduled results in [from, to) (plain Postgres; TimescaleDB's
 * continuous aggregate does this itself), of one monitor or of all. Results of a deleted monitor are
 * left out: the rollups reference monitors. The caller clears the hours first.
 */
export async function insertHourlyRollups(
  db: Kysely<Database>,
  range: { from: Date; to: Date; monitorId?: string },
): Promise<void> {
  const monitor = range.monitorId ? sql`AND r.monitor_id = ${range.monitorId}` : sql``;
  await sql`
    INSERT INTO check_rollups_hourly (hour, org_id, monitor_id, bucket, checks, failed)
    SELECT date_bin(interval '1 hour', scheduled_at, timestamptz 'epoch'), org_id, monitor_id,
      coalesce(width_bucket(latency_ms, ${bounds}), -1), count(*), count(*) FILTER (WHERE NOT ok)
    FROM check_results r
    WHERE kind = 'scheduled' AND scheduled_at >= ${range.from} AND scheduled_at < ${range.to} ${monitor}
      AND EXISTS (SELECT 1 FROM monitors m WHERE m.id = r.monitor_id)
    GROUP BY 1, 2, 3, 4
  `.execute(db);
}
