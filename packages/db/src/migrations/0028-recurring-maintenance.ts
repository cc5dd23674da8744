import { type Kysely, sql } from 'kysely';

/**
 * A maintenance window may recur (ADR 0042): an RRULE read on the wall clock of an IANA zone, each
 * occurrence lasting `recurrence_duration_minutes`. `starts_at`/`ends_at` then bound the series (an
 * open-ended one ends at 9999-12-31), so the overlap filters every reader already uses stay true.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE maintenance_windows
      ADD COLUMN recurrence_rule text CHECK (length(recurrence_rule) <= 500),
      ADD COLUMN recurrence_time_zone text CHECK (length(recurrence_time_zone) <= 100),
      ADD COLUMN recurrence_duration_minutes integer CHECK (recurrence_duration_minutes > 0),
      ADD CONSTRAINT maintenance_windows_recurrence_whole CHECK (
        (recurrence_rule IS NULL) = (recurrence_time_zone IS NULL)
        AND (recurrence_rule IS NULL) = (recurrence_duration_minutes IS NULL)
      );
    CREATE INDEX maintenance_windows_org_ends_idx ON maintenance_windows (org_id, ends_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS maintenance_windows_org_ends_idx;
    DELETE FROM maintenance_windows WHERE recurrence_rule IS NOT NULL;
    ALTER TABLE maintenance_windows
      DROP CONSTRAINT IF EXISTS maintenance_windows_recurrence_whole,
      DROP COLUMN IF EXISTS recurrence_rule,
      DROP COLUMN IF EXISTS recurrence_time_zone,
      DROP COLUMN IF EXISTS recurrence_duration_minutes;
  `.execute(db);
}
