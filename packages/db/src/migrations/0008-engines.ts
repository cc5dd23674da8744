import { type Kysely, sql } from 'kysely';
import { closeToTenant, resultStorage, TENANT_ORG_ID } from '../partitions';
import { LATENCY_BUCKET_BOUNDS } from './0004-api';

/**
 * One tenant-isolation design for both storage engines (docs/adr/0010-tenant-views-over-results.md).
 * The tenant role loses every privilege on check_results, its partitions or chunks and the hourly
 * rollups; it reads them only through two security_barrier views that keep the rows of `app.org_id`.
 * TimescaleDB forbids row-level security on a compressed hypertable, and on plain Postgres row-level
 * security binds only the parent, so the views are what holds on both.
 *
 * Late results count in the rollups on both engines: plain Postgres gets a trigger that adds results
 * written for hours the rollup job has already passed; TimescaleDB's aggregate policy refreshes from the
 * start, recomputing the hours its invalidation log marks. Raw-result
 * retention moves from a fixed TimescaleDB policy to the API's retention job (RESULT_RETENTION_DAYS).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const timescale = (await resultStorage(db)) === 'timescale';

  await sql`REVOKE ALL ON check_results, check_rollups_hourly FROM sentinelmesh_tenant`.execute(db);
  if (timescale) {
    // A database whose 0004 ran before TimescaleDB refused row-level security on the hypertable may
    // still have it; TimescaleDB rejects even the ALTER where it is off.
    const rls = await sql<{ on: boolean }>`
      SELECT relrowsecurity AS on FROM pg_class WHERE oid = 'check_results'::regclass`.execute(db);
    if (rls.rows[0]?.on) {
      await sql`DROP POLICY IF EXISTS tenant_isolation ON check_results`.execute(db);
      await sql`DROP POLICY IF EXISTS service_access ON check_results`.execute(db);
      await sql`ALTER TABLE check_results NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY`.execute(
        db,
      );
    }
    // Chunks, compressed chunks and the aggregate's materialized hypertable copy their parent's grants;
    // close the ones that already exist explicitly.
    await sql`REVOKE ALL ON ALL TABLES IN SCHEMA _timescaledb_internal FROM sentinelmesh_tenant`.execute(db);
    await sql`SELECT remove_retention_policy('check_results', if_exists => true)`.execute(db);
    // A refresh window starting 3 days back left hours never materialized (a late result, a backfill, a
    // policy stopped for days) below the watermark, out of both the aggregate and its real-time part.
    // From the start: each run still recomputes only the invalidated hours and the new ones. The
    // retention job narrows the window to the retained days before it drops chunks (partitions.ts).
    await sql`SELECT remove_continuous_aggregate_policy('check_rollups_hourly', if_exists => true)`.execute(
      db,
    );
    await sql`SELECT add_continuous_aggregate_policy('check_rollups_hourly',
      start_offset => NULL, end_offset => interval '1 hour', schedule_interval => interval '5 minutes')`.execute(
      db,
    );
  } else {
    const { rows } = await sql<{ name: string }>`
      SELECT relid::regclass::text AS name FROM pg_partition_tree('check_results') WHERE relid <> 'check_results'::regclass
    `.execute(db);
    for (const { name } of rows) await closeToTenant(db, name);
    await lateResultsTrigger(db);
  }

  await sql`
    CREATE VIEW tenant_check_results WITH (security_barrier) AS
    SELECT org_id, monitor_id, scheduled_at, checked_at, region, kind, attempt, ok, status_code, latency_ms,
      phases, cert_expires_at, error_kind, error_message, failed_assertions
    FROM check_results WHERE org_id = ${TENANT_ORG_ID}
  `.execute(db);
  await sql`
    CREATE VIEW tenant_check_rollups_hourly WITH (security_barrier) AS
    SELECT hour, org_id, monitor_id, bucket, checks, failed
    FROM check_rollups_hourly WHERE org_id = ${TENANT_ORG_ID}
  `.execute(db);
  // The schema's default privileges granted writes too: a simple view is updatable, and writes through
  // it would run with the owner's rights.
  await sql`REVOKE ALL ON tenant_check_results, tenant_check_rollups_hourly FROM sentinelmesh_tenant`.execute(
    db,
  );
  await sql`GRANT SELECT ON tenant_check_results, tenant_check_rollups_hourly TO sentinelmesh_tenant`.execute(
    db,
  );
}

/**
 * Adds the scheduled results of one INSERT statement whose hour the rollup job has already rolled up
 * (`meta.rollups_hourly_through`) to check_rollups_hourly. Duplicates skipped by ON CONFLICT DO NOTHING
 * never reach the transition table, so each stored result counts once. SECURITY DEFINER: the writers
 * need no right on the rollups.
 */
async function lateResultsTrigger(db: Kysely<any>): Promise<void> {
  const bounds = sql.raw(`ARRAY[${LATENCY_BUCKET_BOUNDS.join(',')}]::integer[]`);
  await sql`
    CREATE FUNCTION check_results_count_late() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      through timestamptz := (SELECT value::timestamptz FROM meta WHERE key = 'rollups_hourly_through');
    BEGIN
      IF through IS NULL THEN
        RETURN NULL;
      END IF;
      INSERT INTO check_rollups_hourly AS r (hour, org_id, monitor_id, bucket, checks, failed)
      SELECT date_bin(interval '1 hour', n.scheduled_at, timestamptz 'epoch'), n.org_id, n.monitor_id,
        coalesce(width_bucket(n.latency_ms, ${bounds}), -1), count(*), count(*) FILTER (WHERE NOT n.ok)
      FROM new_results n
      WHERE n.kind = 'scheduled' AND n.scheduled_at < through
        AND EXISTS (SELECT 1 FROM monitors m WHERE m.id = n.monitor_id)
      GROUP BY 1, 2, 3, 4
      ON CONFLICT (monitor_id, hour, bucket)
        DO UPDATE SET checks = r.checks + excluded.checks, failed = r.failed + excluded.failed;
      RETURN NULL;
    END
    $fn$
  `.execute(db);
  await sql`REVOKE ALL ON FUNCTION check_results_count_late() FROM PUBLIC`.execute(db);
  await sql`
    CREATE TRIGGER check_results_count_late AFTER INSERT ON check_results
    REFERENCING NEW TABLE AS new_results FOR EACH STATEMENT EXECUTE FUNCTION check_results_count_late()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const timescale = (await resultStorage(db)) === 'timescale';
  await sql`DROP VIEW IF EXISTS tenant_check_results, tenant_check_rollups_hourly`.execute(db);
  await sql`DROP TRIGGER IF EXISTS check_results_count_late ON check_results`.execute(db);
  await sql`DROP FUNCTION IF EXISTS check_results_count_late()`.execute(db);
  if (timescale) {
    await sql`SELECT add_retention_policy('check_results', interval '400 days', if_not_exists => true)`.execute(
      db,
    );
    await sql`SELECT remove_continuous_aggregate_policy('check_rollups_hourly', if_exists => true)`.execute(
      db,
    );
    await sql`SELECT add_continuous_aggregate_policy('check_rollups_hourly',
      start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '5 minutes')`.execute(
      db,
    );
  }
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON check_results, check_rollups_hourly TO sentinelmesh_tenant`.execute(
    db,
  );
}
