import { type Kysely, sql } from 'kysely';

/**
 * The outbox sweeper's own schedule per pending alert: when it looks at the row next and how often
 * it has, so rows whose jobs stay stuck move to the back instead of starving newer ones. A row never
 * swept is due `created_at` + the sweep age. (The check jobs' configuration version is the monitor's
 * `updated_at`, which needs no column.)
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE alerts ADD COLUMN next_sweep_at timestamptz, ADD COLUMN sweeps integer NOT NULL DEFAULT 0;
    CREATE INDEX alerts_sweep_idx ON alerts ((coalesce(next_sweep_at, created_at))) WHERE status = 'pending';
    DROP INDEX alerts_pending_idx;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX IF NOT EXISTS alerts_pending_idx ON alerts (created_at) WHERE status = 'pending';
    DROP INDEX IF EXISTS alerts_sweep_idx;
    ALTER TABLE alerts DROP COLUMN IF EXISTS next_sweep_at, DROP COLUMN IF EXISTS sweeps;
  `.execute(db);
}
