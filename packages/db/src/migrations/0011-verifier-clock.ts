import { type Kysely, sql } from 'kysely';

/**
 * When a held verification must run again even if no result pokes it, as a column the verifier
 * writes with its state (the `wakeAtMs` of its memory): the overdue sweep reads it through an index,
 * compared with the database's clock, instead of recomputing deadlines over stored JSON.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE monitor_state ADD COLUMN wake_at timestamptz`.execute(db);
  // Memory from before wakeAtMs existed wakes at its awaited confirmation's deadline (timeout + 5 s then).
  await sql`
    UPDATE monitor_state AS s SET wake_at = to_timestamp(w.ms / 1000.0)
    FROM (
      SELECT st.monitor_id, coalesce(
        (st.machine ->> 'wakeAtMs')::bigint,
        (st.machine -> 'awaiting' ->> 'scheduledAtMs')::bigint + (m.config ->> 'timeoutMs')::bigint + 5000
      ) AS ms
      FROM monitor_state AS st
      JOIN monitors AS m ON m.id = st.monitor_id AND m.org_id = st.org_id
    ) AS w
    WHERE w.monitor_id = s.monitor_id AND w.ms IS NOT NULL
  `.execute(db);
  await sql`CREATE INDEX monitor_state_wake_idx ON monitor_state (wake_at) WHERE wake_at IS NOT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS monitor_state_wake_idx`.execute(db);
  await sql`ALTER TABLE monitor_state DROP COLUMN IF EXISTS wake_at`.execute(db);
}
