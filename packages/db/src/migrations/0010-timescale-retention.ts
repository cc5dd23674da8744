import { type Kysely, sql } from 'kysely';

/**
 * On TimescaleDB, raw-result retention drops chunks and narrows the rollup policy's refresh window,
 * which only the hypertable's owner may do. The apps' least-privilege role (0009-app-role) runs it
 * through this SECURITY DEFINER function, owned by the schema owner; the migrate step grants it
 * EXECUTE. On plain Postgres the function exists but is never called (day partitions go through
 * drop_result_partition).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION drop_expired_result_chunks(cutoff timestamptz, start_offset text) RETURNS SETOF text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
      IF start_offset !~ '^[0-9]{1,5} days$' THEN
        RAISE EXCEPTION 'not a refresh start offset: %', start_offset USING ERRCODE = '22023';
      END IF;
      PERFORM alter_job(j.job_id, config => jsonb_set(j.config, '{start_offset}', to_jsonb(start_offset)))
      FROM timescaledb_information.jobs j
      WHERE j.proc_name = 'policy_refresh_continuous_aggregate'
        AND j.hypertable_name = 'check_rollups_hourly'
        AND j.config ->> 'start_offset' IS DISTINCT FROM start_offset;
      RETURN QUERY SELECT drop_chunks('check_results', older_than => cutoff)::text;
    END $$
  `.execute(db);
  await sql`REVOKE EXECUTE ON FUNCTION drop_expired_result_chunks(timestamptz, text) FROM PUBLIC`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS drop_expired_result_chunks(timestamptz, text)`.execute(db);
}
