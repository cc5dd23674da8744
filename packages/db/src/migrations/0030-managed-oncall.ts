import { type Kysely, sql } from 'kysely';

const tables = ['oncall_rotations', 'escalation_policies', 'monitor_groups'] as const;

/**
 * Monitoring as code for on-call (ADR 0037): rotations, escalation policies and monitor groups get the
 * `key` and `managed` marker that 0025-managed-resources gave monitors, channels, windows and pages.
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
