import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// COUNT(*) and bigserial columns come back as int8; every value we keep there fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DbOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /** Called for errors of idle pooled connections (a restart of Postgres), which would otherwise crash. */
  onPoolError?: (error: Error) => void;
}

export type Db = Kysely<Database>;

/** A Kysely instance over a pg pool. */
export function createDb(options: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'sentinelmesh',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  // A checked-out connection has no error listener of its own: one lost between two queries of a
  // transaction would crash the process. Its next query fails instead, as the caller's error.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** One round trip to Postgres: the readiness check of every app. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}

/**
 * Waits until Postgres answers, retrying with backoff up to `timeoutMs`, so an app started while
 * Postgres restarts comes up as soon as it is back instead of failing into its supervisor's backoff.
 * Throws the last error once the time is up.
 */
export async function waitForDatabase(
  db: Db,
  options: { timeoutMs?: number; onRetry?: (error: unknown, retryInMs: number) => void } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      await pingDatabase(db);
      return;
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      options.onRetry?.(error, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
