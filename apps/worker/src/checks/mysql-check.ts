import type { CheckOutcome, CheckSpecOf } from '@sentinelmesh/core';
import mysql from 'mysql2';
import type { CheckContext } from './context';
import { type DatabaseErrors, type QueryResult, runDatabaseCheck } from './database-check';

/** MySQL's "unknown system variable": MariaDB names the statement timeout differently. */
const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

/** The statement timeout the check set was reached: MySQL's max_execution_time, MariaDB's max_statement_time. */
const STATEMENT_TIMEOUTS = new Set([3024, 1969]);

const errno = (error: unknown) =>
  typeof error === 'object' && error !== null ? (error as { errno?: unknown }).errno : undefined;

/** MySQL and MariaDB answer a refusal with an error packet: an errno and an SQLSTATE. */
const mysqlErrors: DatabaseErrors = {
  fromServer: (error) =>
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { sqlState?: unknown }).sqlState === 'string',
  timedOut: (error) => STATEMENT_TIMEOUTS.has(errno(error) as number),
};

/**
 * A MySQL or MariaDB check: logs in and, when the monitor has a query, runs it in a read-only
 * session and transaction under a statement timeout (MySQL's max_execution_time, or MariaDB's
 * max_statement_time). The client sends one statement per query (multiple statements are off).
 * Rows are counted as they come; only the first row's first value is kept.
 */
export function mysqlCheck(spec: CheckSpecOf<'mysql'>, ctx: CheckContext): Promise<CheckOutcome> {
  return runDatabaseCheck(spec, ctx, mysqlErrors, (target) => {
    const connection = mysql.createConnection({
      // Only the name TLS verifies: the connection itself is the stream below, to the checked address.
      host: target.host,
      port: target.port,
      user: spec.username,
      password: spec.password ?? '',
      ...(spec.database ? { database: spec.database } : {}),
      ...(target.tls
        ? {
            ssl: {
              rejectUnauthorized: target.tls.rejectUnauthorized ?? false,
              verifyIdentity: target.tls.rejectUnauthorized ?? false,
            },
          }
        : {}),
      stream: () => target.dial(),
      connectTimeout: target.timeoutMs,
      multipleStatements: false,
      rowsAsArray: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    });
    // An error after the check settled (a server closing the connection) must not crash the worker.
    connection.on('error', () => {});
    const run = (sql: string) =>
      new Promise<void>((resolve, reject) =>
        connection.query(sql, (error) => (error ? reject(error) : resolve())),
      );
    return {
      async login() {
        await new Promise<void>((resolve, reject) =>
          connection.connect((error) => (error ? reject(error) : resolve())),
        );
        const ms = Math.max(1, target.timeoutMs);
        await run('SET SESSION TRANSACTION READ ONLY');
        await run(`SET SESSION max_execution_time = ${ms}`).catch((error: unknown) => {
          if (errno(error) !== ER_UNKNOWN_SYSTEM_VARIABLE) throw error;
          return run(`SET SESSION max_statement_time = ${ms / 1000}`);
        });
        await run('START TRANSACTION READ ONLY');
      },
      query() {
        const sql = spec.query;
        if (!sql) return Promise.resolve(null);
        return new Promise<QueryResult>((resolve, reject) => {
          let first: unknown[] | null = null;
          let rows = 0;
          connection
            .query(sql)
            .on('result', (row: unknown) => {
              // A statement without a result set (SET, DO) reports a header instead of rows.
              if (!Array.isArray(row)) return;
              rows += 1;
              first ??= row;
            })
            .on('error', reject)
            .on('end', () => resolve({ value: first?.[0] ?? null, rows }));
        });
      },
      close() {
        connection.destroy();
      },
    };
  });
}
