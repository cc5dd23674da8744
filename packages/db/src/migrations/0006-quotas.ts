import { type Kysely, sql } from 'kysely';

/**
 * Per-organization overrides of the deployment's quota defaults. A NULL column keeps the deployment's
 * default; 0 means no limit for that organization. Set by a deployment admin (`pnpm limits`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE organization_limits (
      org_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
      max_monitors integer CHECK (max_monitors >= 0),
      min_interval_seconds integer CHECK (min_interval_seconds BETWEEN 0 AND 86400),
      max_checks_per_second numeric(12, 2) CHECK (max_checks_per_second >= 0),
      max_channels integer CHECK (max_channels >= 0),
      max_test_alerts_per_minute integer CHECK (max_test_alerts_per_minute >= 0),
      max_email_recipients_per_channel integer CHECK (max_email_recipients_per_channel >= 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  // The same grants and the same two policies as every tenant table of 0004-api.
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON organization_limits TO sentinelmesh_tenant`.execute(db);
  await sql`ALTER TABLE organization_limits ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE organization_limits FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY service_access ON organization_limits AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true) WITH CHECK (true)`.execute(db);
  await sql`CREATE POLICY tenant_isolation ON organization_limits AS RESTRICTIVE FOR ALL TO sentinelmesh_tenant
    USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS organization_limits`.execute(db);
}
