import { type Kysely, sql } from 'kysely';

/**
 * The incident page (issue 15): a post-mortem note on each incident, who last wrote it and when,
 * and, when an API key acknowledged the incident, which key (`acknowledged_by` stays the person
 * behind the request: the key's creator).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE incidents
      ADD COLUMN note text CHECK (char_length(note) <= 10000),
      ADD COLUMN note_updated_at timestamptz,
      ADD COLUMN note_updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
      ADD COLUMN acknowledged_by_api_key uuid REFERENCES api_keys (id) ON DELETE SET NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE incidents
      DROP COLUMN IF EXISTS acknowledged_by_api_key,
      DROP COLUMN IF EXISTS note_updated_by,
      DROP COLUMN IF EXISTS note_updated_at,
      DROP COLUMN IF EXISTS note;
  `.execute(db);
}
