import { type Kysely, sql } from 'kysely';

/**
 * A channel marked as a default is linked to every monitor created without an explicit channel
 * list. The partial index serves that lookup per organization.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE channels ADD COLUMN is_default boolean NOT NULL DEFAULT false;
    CREATE INDEX channels_default_idx ON channels (org_id) WHERE is_default;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS channels_default_idx;
    ALTER TABLE channels DROP COLUMN IF EXISTS is_default;
  `.execute(db);
}
