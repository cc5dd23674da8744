import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

/** The database's clock at this statement (`clock_timestamp()`): the one clock every process shares. */
export async function databaseNow(db: Kysely<Database>): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(db);
  const now = rows[0]?.now;
  if (!now) throw new Error('the database returned no time');
  return now;
}
