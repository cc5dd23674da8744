import { type Kysely, sql } from 'kysely';

const DAY_MS = 86_400_000;

function partitionName(day: Date): string {
  return `check_results_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** Which storage `check_results` uses: a TimescaleDB hypertable or native day partitions. */
export async function resultStorage(db: Kysely<any>): Promise<'timescale' | 'partitioned'> {
  const { rows } = await sql<{
    value: string;
  }>`SELECT value FROM meta WHERE key = 'check_results_storage'`.execute(db);
  return rows[0]?.value === 'timescale' ? 'timescale' : 'partitioned';
}

/**
 * Creates the day partitions of `check_results` from yesterday to `daysAhead` days after `now`
 * (native partitioning only; a hypertable makes its own chunks). Safe to run concurrently.
 */
export async function ensureResultPartitions(db: Kysely<any>, now: Date, daysAhead: number): Promise<number> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  let created = 0;
  for (let offset = -1; offset <= daysAhead; offset++) {
    const from = new Date(today + offset * DAY_MS);
    const to = new Date(from.getTime() + DAY_MS);
    const name = partitionName(from);
    const { rows } = await sql<{
      exists: boolean;
    }>`SELECT to_regclass(${name}) IS NOT NULL AS exists`.execute(db);
    if (rows[0]?.exists) continue;
    try {
      await sql`
        CREATE TABLE IF NOT EXISTS ${sql.id(name)} PARTITION OF check_results
        FOR VALUES FROM (${sql.lit(from.toISOString())}) TO (${sql.lit(to.toISOString())})
      `.execute(db);
      created++;
    } catch (error) {
      // Another process created it between our look and our create, or the default partition
      // already holds rows of that day (then they stay there; queries read both).
      const code = (error as { code?: string }).code;
      if (code !== '42P07' && code !== '23505' && code !== '23514') throw error;
    }
  }
  return created;
}
