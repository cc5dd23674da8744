import { type Kysely, sql } from 'kysely';

/**
 * On-call rotations (issue 18, ADR 0035):
 * - `oncall_rotations`: members take turns, handing off daily or weekly at `handoff_time` on the wall
 *   clock of `time_zone`; the first shift starts at `starts_at`. `member_ids` is ordered; the API
 *   admits only members of the organization.
 * - `oncall_overrides`: someone on call instead over `[starts_at, ends_at)`; the latest created wins.
 * - `channels.user_id`: a member's personal channel, created by the member for themself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE oncall_rotations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
      cadence text NOT NULL CHECK (cadence IN ('daily', 'weekly')),
      handoff_time text NOT NULL CHECK (handoff_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      handoff_weekday integer CHECK (handoff_weekday BETWEEN 0 AND 6),
      time_zone text NOT NULL CHECK (char_length(time_zone) BETWEEN 1 AND 64),
      starts_at timestamptz NOT NULL,
      member_ids uuid[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((cadence = 'weekly') = (handoff_weekday IS NOT NULL))
    );
    CREATE INDEX oncall_rotations_org_idx ON oncall_rotations (org_id, created_at DESC, id DESC);

    CREATE TABLE oncall_overrides (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      rotation_id uuid NOT NULL REFERENCES oncall_rotations (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (starts_at < ends_at)
    );
    CREATE INDEX oncall_overrides_rotation_idx ON oncall_overrides (rotation_id, ends_at);
    CREATE INDEX oncall_overrides_org_idx ON oncall_overrides (org_id, rotation_id);

    ALTER TABLE channels ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE CASCADE;
    CREATE INDEX channels_user_idx ON channels (org_id, user_id) WHERE user_id IS NOT NULL;
  `.execute(db);
  // The same grants and the same two policies as every tenant table of 0004-api.
  for (const table of ['oncall_rotations', 'oncall_overrides']) {
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
  await sql`DROP INDEX IF EXISTS channels_user_idx`.execute(db);
  await sql`ALTER TABLE channels DROP COLUMN IF EXISTS user_id`.execute(db);
  await sql`DROP TABLE IF EXISTS oncall_overrides, oncall_rotations`.execute(db);
}
