import { createHash } from 'node:crypto';
import { chownSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { isListening } from '@sentinelmesh/stack/ports';
import {
  canWriteAs,
  ensureDatabase,
  type PreparedPostgres,
  preparePostgres,
  serviceUser,
} from '@sentinelmesh/stack/postgres';
import type { ProcessSpec } from '@sentinelmesh/stack/process-spec';
import { redisSpec } from '@sentinelmesh/stack/redis';

const DATABASE = 'sentinelmesh';

/**
 * The Postgres data folder: `<data>/postgres`, unless Postgres must run as an unprivileged user who
 * cannot reach it (a checkout inside a private folder); then one under /var/lib/sentinelmesh.
 */
function postgresDataDir(dataDir: string, log: (line: string) => void): string {
  const preferred = path.join(dataDir, 'postgres');
  const user = serviceUser();
  if (!user) return preferred;
  mkdirSync(preferred, { recursive: true, mode: 0o700 });
  chownSync(preferred, user.uid, user.gid);
  if (canWriteAs(user, preferred)) return preferred;
  const digest = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  const fallback = path.join('/var/lib/sentinelmesh', digest, 'postgres');
  log(`Postgres runs as "${user.name}", who cannot reach ${preferred}; its data lives in ${fallback}`);
  return fallback;
}

export async function localPostgres(
  dataDir: string,
  port: number,
  log: (line: string) => void,
): Promise<PreparedPostgres & { databaseUrl: () => Promise<string> }> {
  if (await isListening(port)) {
    throw new Error(
      `port ${port} is taken; is another SentinelMesh running? Stop it, or set PG_PORT (or DATABASE_URL for an external Postgres)`,
    );
  }
  const prepared = await preparePostgres({
    dataDir: postgresDataDir(dataDir, log),
    port,
    profile: 'durable',
  });
  log(`Postgres binaries: ${prepared.binaries.source}`);
  return { ...prepared, databaseUrl: () => ensureDatabase(prepared.adminUrl, DATABASE) };
}

export async function localRedis(dataDir: string, port: number): Promise<{ spec: ProcessSpec; url: string }> {
  if (await isListening(port)) {
    throw new Error(`port ${port} is taken; set REDIS_PORT (or REDIS_URL for an external Redis)`);
  }
  const spec = redisSpec({ dataDir: path.join(dataDir, 'redis'), port, appendOnly: true });
  return { spec, url: `redis://127.0.0.1:${port}` };
}
