import { type Kysely, sql } from 'kysely';

/**
 * Regions served by probes (issue 17, ADR 0030):
 * - `probe_regions`: a region whose checks remote probes run. `org_id` NULL: a deployment region, added
 *   by a deployment admin and usable by every organization; otherwise a private location of one
 *   organization, usable only by its monitors, whose probes may reach private addresses when
 *   `allow_private_targets` says so. `name` is the region name monitors list (queues are per region,
 *   so it is unique across the deployment).
 * - `probes`: one running probe, known by the SHA-256 of its token, with what it last reported.
 * The tenant role sees its organization's rows only: deployment regions and their probes stay with
 * the service role.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE probe_regions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
      name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
      label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
      allow_private_targets boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (org_id IS NOT NULL OR NOT allow_private_targets)
    );
    CREATE INDEX probe_regions_org_idx ON probe_regions (org_id, created_at DESC, id DESC);

    CREATE TABLE probes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
      region_id uuid NOT NULL REFERENCES probe_regions (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
      token_hash text NOT NULL UNIQUE,
      token_hint text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_seen_at timestamptz,
      version text,
      checks_per_second double precision,
      lag_p99_ms double precision,
      held_results integer,
      dropped_results bigint,
      dropped_slots bigint NOT NULL DEFAULT 0
    );
    CREATE INDEX probes_region_idx ON probes (region_id, created_at DESC, id DESC);
    CREATE INDEX probes_org_idx ON probes (org_id) WHERE org_id IS NOT NULL;
  `.execute(db);
  // The same grants and the same two policies as every tenant table of 0004-api.
  for (const table of ['probe_regions', 'probes']) {
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
  await sql`DROP TABLE IF EXISTS probes, probe_regions`.execute(db);
}
