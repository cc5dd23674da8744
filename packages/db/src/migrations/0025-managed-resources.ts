import { type Kysely, sql } from 'kysely';

const tables = ['monitors', 'channels', 'maintenance_windows', 'status_pages'] as const;

/**
 * Monitoring as code (ADR 0037): a resource may carry a `key`, unique per organization and kind, that
 * a sentinelmesh.yaml names it by, and `managed` once an apply from such a file owns it (the
 * dashboard warns before editing it; `--prune` deletes only managed resources).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of tables) {
    await sql`ALTER TABLE ${sql.table(table)}
      ADD COLUMN key text CHECK (key ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
      ADD COLUMN managed boolean NOT NULL DEFAULT false`.execute(db);
    await sql`CREATE UNIQUE INDEX ${sql.id(`${table}_org_key_idx`)} ON ${sql.table(table)} (org_id, key)
      WHERE key IS NOT NULL`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of tables) {
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN IF EXISTS key, DROP COLUMN IF EXISTS managed`.execute(
      db,
    );
  }
}
