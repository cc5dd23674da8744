import { type Kysely, sql } from 'kysely';

/**
 * Accounts: verified emails, invitations instead of direct adds, single-use emailed tokens, and a
 * per-user session generation that revokes every access token already issued.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE users
      ADD COLUMN email_verified_at timestamptz,
      ADD COLUMN session_generation integer NOT NULL DEFAULT 0;

    CREATE TABLE user_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose);

    CREATE TABLE invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      email text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
      token_hash text NOT NULL UNIQUE,
      invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
      revoked_at timestamptz
    );
    CREATE INDEX invitations_org_idx ON invitations (org_id, created_at DESC, id DESC);
    CREATE UNIQUE INDEX invitations_one_open_per_email ON invitations (org_id, lower(email))
      WHERE accepted_at IS NULL AND revoked_at IS NULL;
  `.execute(db);

  // User tokens belong to no organization: tenant transactions have no business reading them.
  await sql`REVOKE ALL ON user_tokens FROM sentinelmesh_tenant`.execute(db);

  // The same grants and the same two policies as every tenant table of 0004-api.
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO sentinelmesh_tenant`.execute(db);
  await sql`ALTER TABLE invitations ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE invitations FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY service_access ON invitations AS PERMISSIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (true)`.execute(
    db,
  );
  await sql`CREATE POLICY tenant_isolation ON invitations AS RESTRICTIVE FOR ALL TO sentinelmesh_tenant
    USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS invitations, user_tokens CASCADE`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS email_verified_at, DROP COLUMN IF EXISTS session_generation`.execute(
    db,
  );
}
