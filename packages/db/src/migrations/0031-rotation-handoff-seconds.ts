import { type Kysely, sql } from 'kysely';

/**
 * A rotation's handoff time may carry seconds (`HH:MM:SS`), kept in the API's canonical form: `HH:MM`
 * when the seconds are 00. 0023 left its check unnamed; it is found by its column, dropped and added
 * again under a name.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DO $$
    DECLARE
      c name;
    BEGIN
      FOR c IN
        SELECT con.conname FROM pg_constraint con
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)
        WHERE con.conrelid = 'oncall_rotations'::regclass AND con.contype = 'c'
          AND a.attname = 'handoff_time' AND cardinality(con.conkey) = 1
      LOOP
        EXECUTE format('ALTER TABLE oncall_rotations DROP CONSTRAINT %I', c);
      END LOOP;
    END $$`.execute(db);
  await sql`ALTER TABLE oncall_rotations ADD CONSTRAINT oncall_rotations_handoff_time_format CHECK (
    handoff_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$' AND handoff_time !~ '^..:..:00$'
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Seconds cannot go back into HH:MM: such a handoff moves to the start of its minute.
  await sql`ALTER TABLE oncall_rotations DROP CONSTRAINT IF EXISTS oncall_rotations_handoff_time_format`.execute(
    db,
  );
  await sql`UPDATE oncall_rotations SET handoff_time = left(handoff_time, 5) WHERE length(handoff_time) > 5`.execute(
    db,
  );
  await sql`ALTER TABLE oncall_rotations ADD CONSTRAINT oncall_rotations_handoff_time_check
    CHECK (handoff_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')`.execute(db);
}
