import { type Kysely, sql } from 'kysely';

/**
 * Escalation (issue 18, ADR 0034):
 * - `escalation_policies`: ordered steps (`[{ waitMinutes, targets }]`), repeated `repeat` times,
 *   with optional "still down" reminders every `reminder_minutes`. Tenant-owned.
 * - `monitors.escalation_policy_id`: a monitor that uses a policy (NULL: its channels, as before).
 * - `incidents`: where the climb stands (the next step's position over every round, when it is due,
 *   when the next reminder is due) and who acknowledged through a link (a channel's recipients).
 * - `alerts`: a member's email has no channel, so an alert goes to a channel or to a member
 *   (`recipient_user_id`); `route` says why it was sent (a step, a reminder, the resolution).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE escalation_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
      repeat integer NOT NULL DEFAULT 0 CHECK (repeat BETWEEN 0 AND 20),
      reminder_minutes integer CHECK (reminder_minutes >= 1),
      steps jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX escalation_policies_org_idx ON escalation_policies (org_id, created_at DESC, id DESC);

    ALTER TABLE monitors ADD COLUMN escalation_policy_id uuid REFERENCES escalation_policies (id);
    CREATE INDEX monitors_escalation_policy_idx ON monitors (escalation_policy_id)
      WHERE escalation_policy_id IS NOT NULL;

    ALTER TABLE incidents
      ADD COLUMN escalation_policy_id uuid REFERENCES escalation_policies (id) ON DELETE SET NULL,
      ADD COLUMN escalation_position integer NOT NULL DEFAULT 0,
      ADD COLUMN escalation_next_at timestamptz,
      ADD COLUMN reminders_sent integer NOT NULL DEFAULT 0,
      ADD COLUMN reminder_next_at timestamptz,
      ADD COLUMN acknowledged_by_channel uuid REFERENCES channels (id) ON DELETE SET NULL,
      ADD COLUMN acknowledged_by_name text,
      ADD COLUMN acknowledged_by_link boolean NOT NULL DEFAULT false;
    CREATE INDEX incidents_escalation_due_idx ON incidents (escalation_next_at)
      WHERE status = 'open' AND acknowledged_at IS NULL AND escalation_next_at IS NOT NULL;
    CREATE INDEX incidents_reminder_due_idx ON incidents (reminder_next_at)
      WHERE status = 'open' AND acknowledged_at IS NULL AND reminder_next_at IS NOT NULL;

    ALTER TABLE alerts
      ALTER COLUMN channel_id DROP NOT NULL,
      ADD COLUMN recipient_user_id uuid REFERENCES users (id) ON DELETE CASCADE,
      ADD COLUMN route jsonb,
      ADD CONSTRAINT alerts_one_recipient CHECK ((channel_id IS NULL) <> (recipient_user_id IS NULL));
    CREATE UNIQUE INDEX alerts_one_per_member_notice ON alerts (recipient_user_id, dedup_key)
      WHERE channel_id IS NULL AND dedup_key IS NOT NULL;
  `.execute(db);
  // The same grants and the same two policies as every tenant table of 0004-api.
  const t = sql.id('escalation_policies');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO sentinelmesh_tenant`.execute(db);
  await sql`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY service_access ON ${t} AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true) WITH CHECK (true)`.execute(db);
  await sql`CREATE POLICY tenant_isolation ON ${t} AS RESTRICTIVE FOR ALL TO sentinelmesh_tenant
    USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DELETE FROM alerts WHERE channel_id IS NULL;
    DROP INDEX IF EXISTS alerts_one_per_member_notice;
    ALTER TABLE alerts
      DROP CONSTRAINT IF EXISTS alerts_one_recipient,
      DROP COLUMN IF EXISTS route,
      DROP COLUMN IF EXISTS recipient_user_id,
      ALTER COLUMN channel_id SET NOT NULL;
    DROP INDEX IF EXISTS incidents_reminder_due_idx;
    DROP INDEX IF EXISTS incidents_escalation_due_idx;
    ALTER TABLE incidents
      DROP COLUMN IF EXISTS acknowledged_by_link,
      DROP COLUMN IF EXISTS acknowledged_by_name,
      DROP COLUMN IF EXISTS acknowledged_by_channel,
      DROP COLUMN IF EXISTS reminder_next_at,
      DROP COLUMN IF EXISTS reminders_sent,
      DROP COLUMN IF EXISTS escalation_next_at,
      DROP COLUMN IF EXISTS escalation_position,
      DROP COLUMN IF EXISTS escalation_policy_id;
    DROP INDEX IF EXISTS monitors_escalation_policy_idx;
    ALTER TABLE monitors DROP COLUMN IF EXISTS escalation_policy_id;
    DROP TABLE IF EXISTS escalation_policies;
  `.execute(db);
}
