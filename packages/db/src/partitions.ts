import { type Kysely, sql, type Transaction } from 'kysely';
import { TENANT_ROLE } from './migrations/0004-api';

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

/** The organization the tenant role works for in this transaction (`app.org_id`); null when unset. */
export const TENANT_ORG_ID = sql`nullif(current_setting('app.org_id', true), '')::uuid`;

/**
 * Takes every privilege of the tenant role on one relation. Partitions and chunks are reachable by name,
 * and row-level security binds only the parent, so the tenant role must hold nothing on them.
 */
export async function closeToTenant(db: Kysely<any>, relation: string): Promise<void> {
  // The first partitions come before the role does (0001-initial, 0004-api).
  const { rows } = await sql<{
    exists: boolean;
  }>`SELECT to_regrole(${TENANT_ROLE}) IS NOT NULL AS exists`.execute(db);
  if (!rows[0]?.exists) return;
  await sql`REVOKE ALL ON TABLE ${sql.table(relation)} FROM ${sql.id(TENANT_ROLE)}`.execute(db);
}

/** Whether a function of this signature exists (the ones of migration 0009 are absent before it). */
async function hasFunction(db: Kysely<any>, signature: string): Promise<boolean> {
  const { rows } = await sql<{
    present: boolean;
  }>`SELECT to_regprocedure(${signature}) IS NOT NULL AS present`.execute(db);
  return rows[0]?.present === true;
}

function inTransaction<T>(db: Kysely<any>, fn: (tx: Transaction<any>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<any>) : db.transaction().execute(fn);
}

/**
 * Creates the day partitions of `check_results` from yesterday to `daysAhead` days after `now`
 * (native partitioning only; a hypertable makes its own chunks). Safe to run concurrently.
 */
export async function ensureResultPartitions(db: Kysely<any>, now: Date, daysAhead: number): Promise<number> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  // The apps' role may not create tables: once migration 0009 has run, a function owned by the schema
  // owner creates the partition for them.
  const viaFunction = await hasFunction(db, 'create_result_partition(date)');
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
      if (viaFunction) {
        await sql`SELECT create_result_partition(${from.toISOString().slice(0, 10)}::date)`.execute(db);
      } else {
        // The schema's default privileges would open a new partition to the tenant role: closed in the
        // same transaction, so it is never readable.
        await inTransaction(db, async (tx) => {
          await sql`
            CREATE TABLE IF NOT EXISTS ${sql.id(name)} PARTITION OF check_results
            FOR VALUES FROM (${sql.lit(from.toISOString())}) TO (${sql.lit(to.toISOString())})
          `.execute(tx);
          await closeToTenant(tx, name);
        });
      }
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

const RETENTION_LOCK = sql`hashtext('sentinelmesh:result-retention')`;

/**
 * Removes raw check results scheduled before `cutoff`, whole days at a time: TimescaleDB drops the
 * chunks; plain Postgres detaches and drops the day partitions that end by then and deletes the default
 * partition's older rows. Any number of processes may call it at once: a session advisory lock lets one
 * work and the others return null. Rollups are kept (they carry long-range stats after this).
 */
export async function dropExpiredResults(db: Kysely<any>, cutoff: Date): Promise<string[] | null> {
  return db.connection().execute(async (conn) => {
    const lock = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_lock(${RETENTION_LOCK}) AS locked`.execute(conn);
    if (!lock.rows[0]?.locked) return null;
    try {
      if ((await resultStorage(conn)) === 'timescale') {
        // Dropping chunks invalidates the aggregate over them: a refresh reaching back there would
        // recompute those hours from nothing. The policy's window stops a day short of the oldest raw
        // result kept (so raising the retention later never reaches into days already dropped).
        const oldest = await sql<{ at: Date | null }>`
          SELECT min(range_start) AS at FROM timescaledb_information.chunks
          WHERE hypertable_name = 'check_results'`.execute(conn);
        const kept = Math.max(cutoff.getTime(), oldest.rows[0]?.at?.getTime() ?? Date.now());
        const startOffset = `${Math.max(1, Math.floor((Date.now() - kept) / DAY_MS) - 1)} days`;
        if (await hasFunction(conn, 'drop_expired_result_chunks(timestamptz,text)')) {
          // The apps' role owns no hypertable: the schema owner's function does both (0010).
          const { rows } = await sql<{ chunk: string }>`
            SELECT drop_expired_result_chunks(${cutoff}::timestamptz, ${startOffset}) AS chunk`.execute(conn);
          return rows.map((row) => row.chunk);
        }
        await sql`
          SELECT alter_job(j.job_id, config => jsonb_set(j.config, '{start_offset}', to_jsonb(${startOffset}::text)))
          FROM timescaledb_information.jobs j
          WHERE j.proc_name = 'policy_refresh_continuous_aggregate'
            AND j.hypertable_name = 'check_rollups_hourly'
            AND j.config ->> 'start_offset' IS DISTINCT FROM ${startOffset}`.execute(conn);
        const { rows } = await sql<{ chunk: string }>`
          SELECT drop_chunks('check_results', older_than => ${cutoff}::timestamptz)::text AS chunk`.execute(
          conn,
        );
        return rows.map((row) => row.chunk);
      }
      const { rows } = await sql<{ name: string }>`
        SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'check_results'::regclass AND c.relname ~ '^check_results_p[0-9]{8}$'
        ORDER BY 1`.execute(conn);
      const viaFunction = await hasFunction(conn, 'drop_result_partition(text)');
      const dropped: string[] = [];
      for (const { name } of rows) {
        const day = Date.parse(`${name.slice(15, 19)}-${name.slice(19, 21)}-${name.slice(21, 23)}T00:00:00Z`);
        if (!(day + DAY_MS <= cutoff.getTime())) continue;
        if (viaFunction) {
          // The apps' role owns no table: the schema owner's function detaches and drops (0009-app-role).
          await sql`SELECT drop_result_partition(${name})`.execute(conn);
        } else {
          // One short transaction per day: detaching locks the parent, so writers wait only briefly.
          await conn.transaction().execute(async (tx) => {
            await sql`SET LOCAL lock_timeout = '10s'`.execute(tx);
            await sql`ALTER TABLE check_results DETACH PARTITION ${sql.id(name)}`.execute(tx);
            await sql`DROP TABLE ${sql.id(name)}`.execute(tx);
          });
        }
        dropped.push(name);
      }
      await sql`DELETE FROM check_results_default WHERE scheduled_at < ${cutoff}`.execute(conn);
      return dropped;
    } finally {
      await sql`SELECT pg_advisory_unlock(${RETENTION_LOCK})`.execute(conn);
    }
  });
}
