import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';

export interface PostgresCounters {
  /** Statements the apps ran (pg_stat_statements, every role but the bench's own); null without it. */
  statements: number | null;
  /** Entries pg_stat_statements evicted so far: if this moves in a window, that window's count is short. */
  evicted: number;
  /** Committed and rolled-back transactions in the database, the bench's included. */
  transactions: number;
}

/**
 * The counters now, read through the bench's own connection (`db`, role `sentinelmesh_bench`). The
 * statement count is of the bench database only and leaves out the reading role's own statements.
 */
export async function postgresCounters(db: Db, statementStats: boolean): Promise<PostgresCounters> {
  const xacts = await sql<{ n: number }>`
    SELECT (xact_commit + xact_rollback)::float8 AS n FROM pg_stat_database WHERE datname = current_database()`.execute(
    db,
  );
  const transactions = xacts.rows[0]?.n ?? 0;
  if (!statementStats) return { statements: null, evicted: 0, transactions };
  const { rows } = await sql<{ statements: number; evicted: number }>`
    SELECT coalesce(sum(s.calls), 0)::float8 AS statements,
      (SELECT dealloc FROM pg_stat_statements_info)::float8 AS evicted
    FROM pg_stat_statements s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.userid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`.execute(db);
  return { statements: rows[0]?.statements ?? 0, evicted: rows[0]?.evicted ?? 0, transactions };
}
