import { type Kysely, sql } from 'kysely';

/**
 * `check_artifacts`: what a check leaves beside its result, keyed like it: today the PNG a failed
 * browser check took of its page, at most 1 MiB. Kept as long as the results (the retention job
 * deletes both by slot time) and gone with its monitor.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE check_artifacts (
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
      scheduled_at timestamptz NOT NULL,
      region text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('scheduled', 'confirmation')),
      png bytea NOT NULL CHECK (octet_length(png) BETWEEN 1 AND 1048576),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (monitor_id, scheduled_at, region, kind)
    );
    CREATE INDEX check_artifacts_org_idx ON check_artifacts (org_id, monitor_id, scheduled_at);
    CREATE INDEX check_artifacts_scheduled_idx ON check_artifacts (scheduled_at);
  `.execute(db);
  // The same grants and the same two policies as every tenant table of 0004-api.
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON check_artifacts TO sentinelmesh_tenant`.execute(db);
  await sql`ALTER TABLE check_artifacts ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE check_artifacts FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY service_access ON check_artifacts AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true) WITH CHECK (true)`.execute(db);
  await sql`CREATE POLICY tenant_isolation ON check_artifacts AS RESTRICTIVE FOR ALL TO sentinelmesh_tenant
    USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS check_artifacts`.execute(db);
}
