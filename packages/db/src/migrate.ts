import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { type Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index';

/** The advisory lock key of the migrate step (any fixed bigint; "sentinel" in ASCII). */
const MIGRATE_LOCK_KEY = 0x73656e74696e656cn;

/** Applies every pending migration; concurrent callers wait on Kysely's advisory lock. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The login role the apps connect as. It holds its privileges itself and is NOINHERIT: it may
 * `SET ROLE sentinelmesh_tenant` (the API's tenant queries) without the tenant's row-level policies
 * applying to its own cross-tenant work, on every supported Postgres version.
 */
export interface AppLogin {
  user: string;
  password: string;
}

/** The apps' login from the URL they connect with (APP_DATABASE_URL): its user and password. */
export function appLoginFromUrl(value: string): AppLogin {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('APP_DATABASE_URL is not a URL');
  }
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (!user || !password) throw new Error("APP_DATABASE_URL must name the apps' role and its password");
  return { user, password };
}

/**
 * The migrate step (`pnpm migrate`, the compose service, the Kubernetes Job): under one session
 * advisory lock, so migrators started together run one after another, it applies the pending
 * migrations and then, when given the apps' login, creates or updates that role and grants it
 * what the apps need (rows, sequences, the partition function, the tenant role) and nothing else.
 */
export async function runMigrateStep(
  db: Kysely<any>,
  options: { appLogin?: AppLogin; onWaitForLock?: () => void } = {},
): Promise<string[]> {
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_lock(${MIGRATE_LOCK_KEY}) AS locked`.execute(connection);
    if (!rows[0]?.locked) {
      options.onWaitForLock?.();
      await sql`SELECT pg_advisory_lock(${MIGRATE_LOCK_KEY})`.execute(connection);
    }
    try {
      const applied = await migrateToLatest(connection);
      if (options.appLogin) await provisionAppLogin(connection, options.appLogin);
      return applied;
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATE_LOCK_KEY})`.execute(connection);
    }
  });
}

/** Postgres' SCRAM-SHA-256 password verifier (RFC 5802), what `CREATE ROLE … PASSWORD` stores. */
function scramVerifier(password: string): string {
  const iterations = 4096;
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}

async function provisionAppLogin(db: Kysely<any>, login: AppLogin): Promise<void> {
  const { rows } = await sql<{ me: string; database: string }>`
    SELECT current_user AS me, current_database() AS database
  `.execute(db);
  if (rows[0]?.me === login.user) {
    throw new Error(
      `the apps' role must not be the schema owner (${login.user}): give APP_DATABASE_URL a role of its own`,
    );
  }
  const role = pg.escapeIdentifier(login.user);
  // The password goes over as a SCRAM verifier, so no statement log ever holds it in clear.
  const password = pg.escapeLiteral(scramVerifier(login.password));
  const attributes = `LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION PASSWORD ${password}`;
  const { rows: existing } = await sql`SELECT 1 FROM pg_roles WHERE rolname = ${login.user}`.execute(db);
  try {
    await sql.raw(`${existing.length ? 'ALTER' : 'CREATE'} ROLE ${role} ${attributes}`).execute(db);
  } catch (error) {
    // Roles belong to the server: a migrator of another database may have created it meanwhile.
    if ((error as { code?: string }).code !== '42710') throw error;
    await sql.raw(`ALTER ROLE ${role} ${attributes}`).execute(db);
  }
  const statements = [
    `GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(rows[0]?.database ?? '')} TO ${role}`,
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    // Tables later migrations create are covered by the next run of this step; these cover the rest.
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
    // The apps may read which migrations ran (to wait for theirs), never record or undo one.
    `REVOKE INSERT, UPDATE, DELETE ON kysely_migration, kysely_migration_lock FROM ${role}`,
    `GRANT EXECUTE ON FUNCTION create_result_partition(date), drop_result_partition(text),
      drop_expired_result_chunks(timestamptz, text) TO ${role}`,
    `GRANT sentinelmesh_tenant TO ${role}`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** The migrations this code knows that the database has not run yet (all of them on an empty one). */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const known = Object.keys(migrations);
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return known.filter((name) => !applied.has(name));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return known;
    throw error;
  }
}

/**
 * Waits, with a bound, until every migration this code knows has run: apps never migrate, the
 * migrate step does, and an app started before it (a rolling deploy, compose) waits for it.
 * A database ahead of the code (newer migrations) is fine. Throws once `timeoutMs` has passed.
 */
export async function waitForSchema(
  db: Kysely<any>,
  options: { timeoutMs?: number; onWait?: (pending: string[], retryInMs: number) => void } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    const pending = await pendingMigrations(db);
    if (pending.length === 0) return;
    if (Date.now() + delay > deadline) {
      throw new Error(
        `the database schema lacks migrations ${pending.join(', ')} after ${timeoutMs / 1000} s: run the migrate step (pnpm migrate)`,
      );
    }
    options.onWait?.(pending, delay);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
