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

const TABLES = [
  'status_page_incidents',
  'status_page_incident_updates',
  'status_page_subscribers',
  'status_page_deliveries',
];

/**
 * Status pages that talk to customers, part two (ADR 0041): incidents posted on a page with a
 * timeline of updates (optionally promoted from an automatic incident), the page's subscribers
 * (email with double opt-in, or a signed webhook), and the delivery outbox: one row per subscriber
 * and announcement, unique so that announcing twice sends once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE status_page_incidents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      status_page_id uuid NOT NULL,
      incident_id uuid REFERENCES incidents (id) ON DELETE SET NULL,
      title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
      status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
      impact text NOT NULL CHECK (impact IN ('degraded', 'partial_outage', 'major_outage')),
      component_ids uuid[] NOT NULL DEFAULT '{}',
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      FOREIGN KEY (org_id, status_page_id) REFERENCES status_pages (org_id, id) ON DELETE CASCADE,
      UNIQUE (org_id, id),
      UNIQUE (status_page_id, incident_id)
    );
    CREATE INDEX status_page_incidents_page_idx ON status_page_incidents (org_id, status_page_id, created_at DESC, id DESC);
    CREATE INDEX status_page_incidents_open_idx ON status_page_incidents (status_page_id) WHERE resolved_at IS NULL;

    CREATE TABLE status_page_incident_updates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      incident_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
      message text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 5000),
      at timestamptz NOT NULL DEFAULT now(),
      author_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      FOREIGN KEY (org_id, incident_id) REFERENCES status_page_incidents (org_id, id) ON DELETE CASCADE
    );
    CREATE INDEX status_page_incident_updates_incident_idx ON status_page_incident_updates (incident_id, at, id);

    CREATE TABLE status_page_subscribers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      status_page_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('email', 'webhook')),
      email text CHECK (email = lower(email) AND char_length(email) <= 320),
      webhook_url text CHECK (char_length(webhook_url) <= 2000),
      secret text,
      confirm_token_hash text UNIQUE,
      confirm_expires_at timestamptz,
      confirmed_at timestamptz,
      last_sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (org_id, status_page_id) REFERENCES status_pages (org_id, id) ON DELETE CASCADE,
      UNIQUE (org_id, id),
      CHECK ((kind = 'email') = (email IS NOT NULL)),
      CHECK ((kind = 'webhook') = (webhook_url IS NOT NULL AND secret IS NOT NULL))
    );
    CREATE UNIQUE INDEX status_page_subscribers_email_idx ON status_page_subscribers (status_page_id, email)
      WHERE email IS NOT NULL;
    CREATE INDEX status_page_subscribers_page_idx ON status_page_subscribers (org_id, status_page_id, created_at DESC, id DESC);
    CREATE INDEX status_page_subscribers_unconfirmed_idx ON status_page_subscribers (confirm_expires_at)
      WHERE confirmed_at IS NULL;

    CREATE TABLE status_page_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      status_page_id uuid NOT NULL,
      subscriber_id uuid NOT NULL,
      kind text NOT NULL,
      subject_id uuid NOT NULL,
      occurrence_key text NOT NULL CHECK (char_length(occurrence_key) <= 200),
      title text NOT NULL,
      body text NOT NULL,
      at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      claim_token uuid,
      last_error text,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (org_id, status_page_id) REFERENCES status_pages (org_id, id) ON DELETE CASCADE,
      FOREIGN KEY (org_id, subscriber_id) REFERENCES status_page_subscribers (org_id, id) ON DELETE CASCADE,
      UNIQUE (subscriber_id, kind, subject_id, occurrence_key)
    );
    CREATE INDEX status_page_deliveries_pending_idx ON status_page_deliveries (next_attempt_at)
      WHERE status = 'pending';
    CREATE INDEX status_page_deliveries_subscriber_idx ON status_page_deliveries (subscriber_id, created_at, id)
      WHERE status = 'pending';
    CREATE INDEX status_page_deliveries_page_sent_idx ON status_page_deliveries (status_page_id, sent_at)
      WHERE sent_at IS NOT NULL;
    CREATE INDEX status_page_deliveries_done_idx ON status_page_deliveries (created_at) WHERE status <> 'pending';
  `.execute(db);
  for (const table of TABLES) await protect(db, table);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...TABLES].reverse()) await sql`DROP TABLE IF EXISTS ${sql.id(table)}`.execute(db);
}
