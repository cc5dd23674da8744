import { type Kysely, sql } from 'kysely';

/**
 * The apps connect with a least-privilege role that the migrate step creates (see migrate.ts): it
 * reads and writes rows but owns nothing and cannot change the schema. The DDL the apps need at run
 * time on plain Postgres, creating the next day partitions of `check_results` and dropping expired
 * ones, goes through these SECURITY DEFINER functions, owned by the schema owner and executable only
 * by the roles the migrate step names.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION create_result_partition(day date) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      name text := 'check_results_p' || to_char(day, 'YYYYMMDD');
    BEGIN
      EXECUTE format(
        'CREATE TABLE IF NOT EXISTS %I PARTITION OF check_results FOR VALUES FROM (%L) TO (%L)',
        name,
        day::timestamp AT TIME ZONE 'UTC',
        (day + 1)::timestamp AT TIME ZONE 'UTC'
      );
      -- Partitions are reachable by name and row-level security binds only the parent: the tenant
      -- role holds nothing on them (closeToTenant in partitions.ts), in the same transaction.
      EXECUTE format('REVOKE ALL ON TABLE %I FROM sentinelmesh_tenant', name);
    END $$
  `.execute(db);
  await sql`REVOKE EXECUTE ON FUNCTION create_result_partition(date) FROM PUBLIC`.execute(db);

  // Only day partitions, by their exact name; detaching locks the parent, so writers wait 10 s at most.
  await sql`
    CREATE FUNCTION drop_result_partition(name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '10s' AS $$
    BEGIN
      IF name !~ '^check_results_p[0-9]{8}$' THEN
        RAISE EXCEPTION 'not a day partition of check_results: %', name USING ERRCODE = '22023';
      END IF;
      EXECUTE format('ALTER TABLE check_results DETACH PARTITION %I', name);
      EXECUTE format('DROP TABLE %I', name);
    END $$
  `.execute(db);
  await sql`REVOKE EXECUTE ON FUNCTION drop_result_partition(text) FROM PUBLIC`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS drop_result_partition(text)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS create_result_partition(date)`.execute(db);
}
