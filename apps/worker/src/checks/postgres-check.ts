import type { CheckOutcome, CheckSpecOf } from '@sentinelmesh/core';
import pg from 'pg';
import type { CheckContext } from './context';
import { type DatabaseErrors, type QueryResult, runDatabaseCheck } from './database-check';

/** Postgres answers with an SQLSTATE (and a severity) whenever it refuses something. */
const postgresErrors: DatabaseErrors = {
  fromServer: (error) => error instanceof pg.DatabaseError,
  // query_canceled: the statement_timeout the check set.
  timedOut: (error) => error instanceof pg.DatabaseError && error.code === '57014',
};

/**
 * A Postgres check: logs in and, when the monitor has a query, runs it in a read-only session and
 * transaction under a statement timeout. The query goes through the extended protocol, so it is one
 * statement: it cannot end the read-only transaction and then write. Rows are counted as they come;
 * only the first row's first value is kept.
 */
export function postgresCheck(spec: CheckSpecOf<'postgres'>, ctx: CheckContext): Promise<CheckOutcome> {
  return runDatabaseCheck(spec, ctx, postgresErrors, (target) => {
    const client = new pg.Client({
      host: target.address,
      port: target.port,
      user: spec.username,
      // A function, so that pg never falls back to the worker's own PGPASSWORD or ~/.pgpass.
      password: (() => spec.password) as () => string,
      database: spec.database,
      ssl: target.tls ?? false,
      stream: () => {
        // pg dials the stream itself (connect(port, host)); it gets the checked address.
        const socket = target.dial();
        return Object.assign(socket, { connect: () => socket });
      },
      application_name: 'sentinelmesh',
      connectionTimeoutMillis: target.timeoutMs,
      statement_timeout: target.timeoutMs,
    });
    // An error after the check settled (a server closing the connection) must not crash the worker.
    client.on('error', () => {});
    return {
      async login() {
        await client.connect();
        const ms = Math.max(1, target.timeoutMs);
        // One round trip; the transaction stays open for the query. Its first snapshot is taken here,
        // so the query cannot switch it back to read-write (that must come before any query).
        await client.query(
          `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = ${ms}; BEGIN READ ONLY; SELECT 1`,
        );
      },
      query() {
        const text = spec.query;
        if (!text) return Promise.resolve(null);
        return new Promise<QueryResult>((resolve, reject) => {
          let first: unknown[] | null = null;
          let rows = 0;
          // The extended protocol takes exactly one statement.
          const config: pg.QueryArrayConfig & { queryMode: 'extended' } = {
            text,
            rowMode: 'array',
            queryMode: 'extended',
          };
          const query = client.query(new pg.Query(config));
          query.on('row', (row: unknown[]) => {
            rows += 1;
            first ??= row;
          });
          query.on('error', reject);
          query.on('end', () => resolve({ value: first?.[0] ?? null, rows }));
        });
      },
      close() {
        const connection = (client as unknown as { connection?: { stream?: { destroy(): void } } })
          .connection;
        connection?.stream?.destroy();
        client.end().catch(() => {});
      },
    };
  });
}
