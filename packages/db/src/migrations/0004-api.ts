import { type Kysely, sql } from 'kysely';

/** Upper bounds (ms) of the latency histogram buckets that rollups count into; index 1 is the first bucket. */
export const LATENCY_BUCKET_BOUNDS: readonly number[] = (() => {
  const steps = [
    1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.2, 2.4, 2.6, 2.8, 3, 3.3, 3.6, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5,
    8, 9,
  ];
  const bounds: number[] = [];
  for (const decade of [1, 10, 100, 1000, 10_000]) {
    for (const step of steps) {
      const value = Math.round(step * decade);
      if (bounds[bounds.length - 1] !== value) bounds.push(value);
    }
  }
  bounds.push(100_000, 150_000, 200_000, 300_000);
  return bounds;
})();

/** The role the API takes (`SET LOCAL ROLE`) for tenant queries; row-level security binds it to one organization. */
export const TENANT_ROLE = 'sentinelmesh_tenant';

const bucketArray = () => sql.raw(`ARRAY[${LATENCY_BUCKET_BOUNDS.join(',')}]::integer[]`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
      key_hash text NOT NULL UNIQUE,
      key_hint text NOT NULL,
      created_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_org_idx ON api_keys (org_id, created_at DESC, id DESC);

    CREATE TABLE status_pages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      slug text NOT NULL UNIQUE,
      title text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX status_pages_org_idx ON status_pages (org_id, created_at DESC, id DESC);

    CREATE TABLE status_page_monitors (
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      status_page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
      monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
      position integer NOT NULL,
      PRIMARY KEY (status_page_id, monitor_id)
    );
    CREATE INDEX status_page_monitors_org_idx ON status_page_monitors (org_id, status_page_id);
    CREATE INDEX status_page_monitors_monitor_idx ON status_page_monitors (monitor_id);

    CREATE INDEX incidents_monitor_opened_idx ON incidents (monitor_id, opened_at);
  `.execute(db);

  const storage = await sql<{ value: string }>`
    SELECT value FROM meta WHERE key = 'check_results_storage'
  `.execute(db);
  if (storage.rows[0]?.value === 'timescale') {
    // The same columns as the plain table below, kept by TimescaleDB itself; real-time aggregation fills
    // in the hours not materialized yet. 0008-engines widens the policy's window.
    await sql`
      CREATE MATERIALIZED VIEW check_rollups_hourly WITH (timescaledb.continuous) AS
      SELECT time_bucket(interval '1 hour', scheduled_at) AS hour, org_id, monitor_id,
        coalesce(width_bucket(latency_ms, ${bucketArray()}), -1)::smallint AS bucket,
        count(*)::integer AS checks,
        (count(*) FILTER (WHERE NOT ok))::integer AS failed
      FROM check_results WHERE kind = 'scheduled'
      GROUP BY 1, 2, 3, 4
      WITH NO DATA
    `.execute(db);
    await sql`ALTER MATERIALIZED VIEW check_rollups_hourly SET (timescaledb.materialized_only = false)`.execute(
      db,
    );
    await sql`SELECT add_continuous_aggregate_policy('check_rollups_hourly',
      start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '5 minutes')`.execute(
      db,
    );
  } else {
    // Kept by the API's rollup job (apps/api/src/jobs/rollups.ts); `meta.rollups_hourly_through` says how far.
    await sql`
      CREATE TABLE check_rollups_hourly (
        hour timestamptz NOT NULL,
        org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        bucket smallint NOT NULL,
        checks integer NOT NULL,
        failed integer NOT NULL,
        PRIMARY KEY (monitor_id, hour, bucket)
      );
      CREATE INDEX check_rollups_hourly_org_idx ON check_rollups_hourly (org_id, hour);
    `.execute(db);
  }

  await enableRowLevelSecurity(db, storage.rows[0]?.value === 'timescale');
}

/**
 * Every table with an org_id gets row-level security, enabled and forced. The tenant role sees only the
 * rows of `app.org_id` (set per transaction; none when unset); every other role keeps its cross-tenant
 * access, which the background apps (scheduler, worker, verifier) and the API's auth and jobs need.
 */
async function enableRowLevelSecurity(db: Kysely<any>, timescale: boolean): Promise<void> {
  await sql`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sentinelmesh_tenant') THEN
        CREATE ROLE sentinelmesh_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS;
      END IF;
      IF NOT pg_has_role(current_user, 'sentinelmesh_tenant', 'MEMBER') THEN
        EXECUTE format('GRANT sentinelmesh_tenant TO %I', current_user);
      END IF;
    END $$;
  `.execute(db);
  await sql`GRANT USAGE ON SCHEMA public TO sentinelmesh_tenant`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sentinelmesh_tenant`.execute(
    db,
  );
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sentinelmesh_tenant`.execute(db);
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sentinelmesh_tenant`.execute(
    db,
  );
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO sentinelmesh_tenant`.execute(
    db,
  );

  const tenantTables = await sql<{ table_name: string }>`
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND c.column_name = 'org_id' AND t.table_type = 'BASE TABLE'
      AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = (quote_ident(c.table_name))::regclass)
    ORDER BY c.table_name
  `.execute(db);
  for (const { table_name } of tenantTables.rows) {
    // TimescaleDB refuses row-level security on a hypertable with compression; 0008-engines closes it to
    // the tenant role instead and opens a tenant-scoped view.
    if (timescale && table_name === 'check_results') continue;
    await protect(db, table_name, sql`org_id = nullif(current_setting('app.org_id', true), '')::uuid`);
  }
  await protect(db, 'organizations', sql`id = nullif(current_setting('app.org_id', true), '')::uuid`);
  // Users are shared between organizations: a tenant sees the members of its own organization only.
  await protect(
    db,
    'users',
    sql`id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = nullif(current_setting('app.org_id', true), '')::uuid)`,
  );
}

async function protect(db: Kysely<any>, table: string, tenantCondition: ReturnType<typeof sql>) {
  const t = sql.id(table);
  await sql`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`.execute(db);
  // Everyone may see every row (the background apps work across tenants) ...
  await sql`CREATE POLICY service_access ON ${t} AS PERMISSIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (true)`.execute(
    db,
  );
  // ... except the tenant role, restricted to its organization. RESTRICTIVE keeps the condition a plain
  // AND, so the planner can still use the org_id indexes.
  await sql`CREATE POLICY tenant_isolation ON ${t} AS RESTRICTIVE FOR ALL TO sentinelmesh_tenant
    USING (${tenantCondition}) WITH CHECK (${tenantCondition})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS status_page_monitors, status_pages, api_keys CASCADE`.execute(db);
  await sql`DROP TABLE IF EXISTS check_rollups_hourly CASCADE`.execute(db);
  await sql`DROP MATERIALIZED VIEW IF EXISTS check_rollups_hourly CASCADE`.execute(db);
  await sql`DROP INDEX IF EXISTS incidents_monitor_opened_idx`.execute(db);
}
