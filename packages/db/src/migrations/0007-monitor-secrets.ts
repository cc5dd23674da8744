import { type Kysely, sql } from 'kysely';

/**
 * Secret parts of HTTP monitors (header values, URL credentials and tokens) move out of `config`
 * into `secrets`, sealed with SECRETS_KEY. A migration cannot see that key, so it only marks the
 * rows written without it; the API seals them at start-up (apps/api/src/jobs/seal-monitor-secrets.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE monitors ADD COLUMN secrets text;
    -- True by default, so a row inserted by an older API during a rolling upgrade is sealed too.
    ALTER TABLE monitors ADD COLUMN secrets_unsealed boolean NOT NULL DEFAULT true;
    CREATE INDEX monitors_secrets_unsealed_idx ON monitors (id) WHERE secrets_unsealed;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE monitors DROP COLUMN secrets_unsealed;
    ALTER TABLE monitors DROP COLUMN secrets;
  `.execute(db);
}
