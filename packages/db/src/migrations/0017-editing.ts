import { type Kysely, sql } from 'kysely';

/** Maintenance windows can be edited (PATCH), so they record when they last changed, as status pages do. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE maintenance_windows ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    UPDATE maintenance_windows SET updated_at = created_at;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE maintenance_windows DROP COLUMN IF EXISTS updated_at`.execute(db);
}
