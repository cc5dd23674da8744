import { type Kysely, sql } from 'kysely';
import { ensureResultPartitions } from '../partitions';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE organizations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      slug text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));

    CREATE TABLE memberships (
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, user_id)
    );
    CREATE INDEX memberships_user_idx ON memberships (user_id);

    CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      replaced_by uuid
    );
    CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

    CREATE TABLE monitors (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      config jsonb NOT NULL,
      name text GENERATED ALWAYS AS (config ->> 'name') STORED,
      type text GENERATED ALWAYS AS (config ->> 'type') STORED,
      interval_seconds integer GENERATED ALWAYS AS ((config ->> 'intervalSeconds')::integer) STORED,
      paused boolean GENERATED ALWAYS AS ((config ->> 'paused')::boolean) STORED,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX monitors_org_created_idx ON monitors (org_id, created_at DESC, id DESC);
    CREATE INDEX monitors_tags_idx ON monitors USING gin ((config -> 'tags'));

    CREATE TABLE monitor_state (
      monitor_id uuid PRIMARY KEY REFERENCES monitors (id) ON DELETE CASCADE,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'pending',
      since timestamptz,
      last_checked_at timestamptz,
      last_latency_ms integer,
      last_error jsonb,
      machine jsonb NOT NULL DEFAULT '{}',
      consumed_through timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE incidents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('open', 'resolved')),
      opened_at timestamptz NOT NULL,
      resolved_at timestamptz,
      cause text,
      acknowledged_at timestamptz,
      acknowledged_by uuid REFERENCES users (id) ON DELETE SET NULL
    );
    CREATE UNIQUE INDEX incidents_one_open_per_monitor ON incidents (monitor_id) WHERE status = 'open';
    CREATE INDEX incidents_org_opened_idx ON incidents (org_id, opened_at DESC, id DESC);

    CREATE TABLE channels (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      type text NOT NULL,
      name text NOT NULL,
      config jsonb NOT NULL DEFAULT '{}',
      secrets text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX channels_org_idx ON channels (org_id, created_at DESC);

    CREATE TABLE monitor_channels (
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
      channel_id uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
      PRIMARY KEY (monitor_id, channel_id)
    );
    CREATE INDEX monitor_channels_channel_idx ON monitor_channels (channel_id);

    CREATE TABLE alerts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      incident_id uuid REFERENCES incidents (id) ON DELETE CASCADE,
      monitor_id uuid REFERENCES monitors (id) ON DELETE CASCADE,
      channel_id uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
      event text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      last_attempt_at timestamptz,
      last_error text
    );
    CREATE UNIQUE INDEX alerts_one_per_transition ON alerts (incident_id, event, channel_id) WHERE incident_id IS NOT NULL;
    CREATE INDEX alerts_org_created_idx ON alerts (org_id, created_at DESC, id DESC);
    CREATE INDEX alerts_pending_idx ON alerts (created_at) WHERE status = 'pending';

    CREATE TABLE alert_attempts (
      id bigserial PRIMARY KEY,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
      attempted_at timestamptz NOT NULL DEFAULT now(),
      ok boolean NOT NULL,
      status_code integer,
      error text,
      duration_ms integer NOT NULL
    );
    CREATE INDEX alert_attempts_alert_idx ON alert_attempts (alert_id, attempted_at);

    CREATE TABLE meta (
      key text PRIMARY KEY,
      value text NOT NULL
    );
  `.execute(db);

  const { rows } = await sql<{ available: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available
  `.execute(db);
  const timescale = rows[0]?.available === true;

  const columns = sql`
    org_id uuid NOT NULL,
    monitor_id uuid NOT NULL,
    scheduled_at timestamptz NOT NULL,
    checked_at timestamptz NOT NULL,
    region text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('scheduled', 'confirmation')),
    attempt smallint NOT NULL DEFAULT 0,
    ok boolean NOT NULL,
    status_code integer,
    latency_ms integer,
    phases jsonb NOT NULL DEFAULT '{}',
    cert_expires_at timestamptz,
    error_kind text,
    error_message text,
    failed_assertions jsonb NOT NULL DEFAULT '[]',
    UNIQUE (monitor_id, scheduled_at, region, kind)
  `;
  if (timescale) {
    await sql`CREATE EXTENSION IF NOT EXISTS timescaledb`.execute(db);
    await sql`CREATE TABLE check_results (${columns})`.execute(db);
    await sql`SELECT create_hypertable('check_results', 'scheduled_at', chunk_time_interval => interval '1 day')`.execute(
      db,
    );
    await sql`ALTER TABLE check_results SET (timescaledb.compress, timescaledb.compress_segmentby = 'monitor_id')`.execute(
      db,
    );
    await sql`SELECT add_compression_policy('check_results', interval '7 days')`.execute(db);
    await sql`SELECT add_retention_policy('check_results', interval '400 days')`.execute(db);
  } else {
    await sql`CREATE TABLE check_results (${columns}) PARTITION BY RANGE (scheduled_at)`.execute(db);
    // Rows outside every day partition land here rather than fail; partitions are created ahead by the apps.
    await sql`CREATE TABLE check_results_default PARTITION OF check_results DEFAULT`.execute(db);
  }
  await sql`INSERT INTO meta (key, value) VALUES ('check_results_storage', ${timescale ? 'timescale' : 'partitioned'})`.execute(
    db,
  );
  if (!timescale) await ensureResultPartitions(db, new Date(), 7);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS meta, alert_attempts, alerts, monitor_channels, channels, incidents, check_results,
      monitor_state, monitors, refresh_tokens, memberships, users, organizations CASCADE
  `.execute(db);
}
