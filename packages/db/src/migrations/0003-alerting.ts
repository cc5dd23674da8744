import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE maintenance_windows (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      name text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX maintenance_windows_org_idx ON maintenance_windows (org_id, starts_at DESC, id DESC);

    CREATE TABLE maintenance_window_monitors (
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      window_id uuid NOT NULL REFERENCES maintenance_windows (id) ON DELETE CASCADE,
      monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
      PRIMARY KEY (window_id, monitor_id)
    );
    CREATE INDEX maintenance_window_monitors_monitor_idx ON maintenance_window_monitors (org_id, monitor_id);

    -- One alert per announced change and channel. An incident can now carry a second notice of
    -- one event (down, then flapping, then settled down), so the key is the change, not the incident.
    ALTER TABLE alerts ADD COLUMN dedup_key text;
    DROP INDEX alerts_one_per_transition;
    CREATE UNIQUE INDEX alerts_one_per_notice ON alerts (channel_id, dedup_key) WHERE dedup_key IS NOT NULL;
    CREATE INDEX alerts_incident_idx ON alerts (org_id, incident_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS alerts_incident_idx;
    DROP INDEX IF EXISTS alerts_one_per_notice;
    ALTER TABLE alerts DROP COLUMN IF EXISTS dedup_key;
    CREATE UNIQUE INDEX alerts_one_per_transition ON alerts (incident_id, event, channel_id) WHERE incident_id IS NOT NULL;
    DROP TABLE IF EXISTS maintenance_window_monitors, maintenance_windows;
  `.execute(db);
}
