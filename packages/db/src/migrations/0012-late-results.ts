import { type Kysely, sql } from 'kysely';

/**
 * Two tenant tables of the verifier's verdicts in real topologies (issue 14, ADR 0013):
 * - `late_results`: results that arrived after their slot was judged without them, keyed like the
 *   result itself; check results stay append-only, so lateness is recorded beside them, never on them.
 * - `region_notices`: what an organization was told about a region: `region.degraded` when it went
 *   silent, `region.restored` when it reported again. The latest row per region is its status.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE late_results (
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
      scheduled_at timestamptz NOT NULL,
      region text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('scheduled', 'confirmation')),
      counted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (monitor_id, scheduled_at, region, kind)
    );
    CREATE INDEX late_results_org_idx ON late_results (org_id, monitor_id, scheduled_at);

    CREATE TABLE region_notices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      region text NOT NULL,
      event text NOT NULL CHECK (event IN ('region.degraded', 'region.restored')),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX region_notices_latest_idx ON region_notices (org_id, region, created_at DESC);
  `.execute(db);
  // The same grants and the same two policies as every tenant table of 0004-api.
  for (const table of ['late_results', 'region_notices']) {
    const t = sql.id(table);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO sentinelmesh_tenant`.execute(db);
    await sql`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`.execute(db);
    await sql`CREATE POLICY service_access ON ${t} AS PERMISSIVE FOR ALL TO PUBLIC
      USING (true) WITH CHECK (true)`.execute(db);
    await sql`CREATE POLICY tenant_isolation ON ${t} AS RESTRICTIVE FOR ALL TO sentinelmesh_tenant
      USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS region_notices, late_results`.execute(db);
}
