import { type Kysely, sql } from 'kysely';

const tenantCondition = sql`org_id = nullif(current_setting('app.org_id', true), '')::uuid`;

/** The same grants and the same two policies as every tenant table of 0004-api. */
async function protect(db: Kysely<any>, table: string): Promise<void> {
  const t = sql.id(table);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO sentinelmesh_tenant`.execute(db);
  await sql`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY service_access ON ${t} AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true) WITH CHECK (true)`.execute(db);
  await sql`CREATE POLICY tenant_isolation ON ${t} AS RESTRICTIVE FOR ALL TO sentinelmesh_tenant
    USING (${tenantCondition}) WITH CHECK (${tenantCondition})`.execute(db);
}

/**
 * Monitor groups and dependencies (ADR 0036). A monitor belongs to at most one group
 * (`monitors.group_id`); it depends on monitors and groups of its organization
 * (`monitor_dependencies`, one row per parent). A group alerted as one keeps its own incidents
 * (`monitor_group_incidents`), whose alerts carry `group_incident_id`. An incident whose alerts
 * were held because a parent was down says why (`suppressed_by`) and when they were let go
 * (`released_at`); held alert rows have the status `suppressed` and are never delivered.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE monitor_groups (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
      alert_as_one boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (org_id, id)
    );
    CREATE INDEX monitor_groups_org_idx ON monitor_groups (org_id, created_at DESC, id DESC);

    ALTER TABLE monitors ADD COLUMN group_id uuid;
    ALTER TABLE monitors ADD CONSTRAINT monitors_group_fk FOREIGN KEY (org_id, group_id)
      REFERENCES monitor_groups (org_id, id) ON DELETE SET NULL (group_id);
    CREATE INDEX monitors_group_idx ON monitors (group_id) WHERE group_id IS NOT NULL;
    ALTER TABLE monitors ADD CONSTRAINT monitors_org_id_key UNIQUE (org_id, id);

    CREATE TABLE monitor_dependencies (
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      monitor_id uuid NOT NULL,
      parent_monitor_id uuid,
      parent_group_id uuid,
      FOREIGN KEY (org_id, monitor_id) REFERENCES monitors (org_id, id) ON DELETE CASCADE,
      FOREIGN KEY (org_id, parent_monitor_id) REFERENCES monitors (org_id, id) ON DELETE CASCADE,
      FOREIGN KEY (org_id, parent_group_id) REFERENCES monitor_groups (org_id, id) ON DELETE CASCADE,
      CHECK ((parent_monitor_id IS NULL) <> (parent_group_id IS NULL)),
      CHECK (parent_monitor_id IS DISTINCT FROM monitor_id)
    );
    CREATE UNIQUE INDEX monitor_dependencies_monitor_parent ON monitor_dependencies (monitor_id, parent_monitor_id)
      WHERE parent_monitor_id IS NOT NULL;
    CREATE UNIQUE INDEX monitor_dependencies_group_parent ON monitor_dependencies (monitor_id, parent_group_id)
      WHERE parent_group_id IS NOT NULL;
    CREATE INDEX monitor_dependencies_org_idx ON monitor_dependencies (org_id, monitor_id);
    CREATE INDEX monitor_dependencies_parent_monitor_idx ON monitor_dependencies (parent_monitor_id);
    CREATE INDEX monitor_dependencies_parent_group_idx ON monitor_dependencies (parent_group_id);

    CREATE TABLE monitor_group_incidents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      group_id uuid NOT NULL REFERENCES monitor_groups (id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('open', 'resolved')),
      opened_at timestamptz NOT NULL,
      resolved_at timestamptz,
      opened_by uuid REFERENCES monitors (id) ON DELETE SET NULL,
      cause text
    );
    CREATE UNIQUE INDEX monitor_group_incidents_one_open ON monitor_group_incidents (group_id) WHERE status = 'open';
    CREATE INDEX monitor_group_incidents_org_idx ON monitor_group_incidents (org_id, group_id, opened_at DESC);

    ALTER TABLE incidents
      ADD COLUMN suppressed_by text CHECK (char_length(suppressed_by) <= 500),
      ADD COLUMN released_at timestamptz;
    CREATE INDEX incidents_held_idx ON incidents (monitor_id) WHERE status = 'open' AND suppressed_by IS NOT NULL;

    ALTER TABLE alerts
      ADD COLUMN group_incident_id uuid REFERENCES monitor_group_incidents (id) ON DELETE CASCADE,
      DROP CONSTRAINT alerts_status_check,
      ADD CONSTRAINT alerts_status_check CHECK (status IN ('pending', 'sent', 'failed', 'suppressed'));
    CREATE INDEX alerts_group_incident_idx ON alerts (group_incident_id) WHERE group_incident_id IS NOT NULL;
  `.execute(db);
  await protect(db, 'monitor_groups');
  await protect(db, 'monitor_dependencies');
  await protect(db, 'monitor_group_incidents');
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DELETE FROM alerts WHERE status = 'suppressed' OR group_incident_id IS NOT NULL;
    ALTER TABLE alerts
      DROP CONSTRAINT alerts_status_check,
      ADD CONSTRAINT alerts_status_check CHECK (status IN ('pending', 'sent', 'failed')),
      DROP COLUMN IF EXISTS group_incident_id;
    DROP INDEX IF EXISTS incidents_held_idx;
    ALTER TABLE incidents DROP COLUMN IF EXISTS released_at, DROP COLUMN IF EXISTS suppressed_by;
    DROP TABLE IF EXISTS monitor_group_incidents, monitor_dependencies;
    ALTER TABLE monitors DROP CONSTRAINT IF EXISTS monitors_group_fk, DROP COLUMN IF EXISTS group_id;
    ALTER TABLE monitors DROP CONSTRAINT IF EXISTS monitors_org_id_key;
    DROP TABLE IF EXISTS monitor_groups;
  `.execute(db);
}
