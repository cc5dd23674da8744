import { execFile, spawnSync } from 'node:child_process';
import { chownSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';
import { serviceUser } from './postgres';
import { spawnSpec, stopChild } from './process-spec';
import { waitFor } from './wait';

const run = promisify(execFile);

function find(name: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name} 2>/dev/null`], {
    encoding: 'utf8',
  });
  const found = result.stdout.trim().split('\n')[0];
  return result.status === 0 && found ? found : null;
}

/** A private MariaDB server on 127.0.0.1, with grant tables (real logins), run by an unprivileged user. */
export interface MariaDb {
  port: number;
  /** Runs SQL as the server's root user, over its private socket. */
  sql(statements: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts Debian's MariaDB (`mariadb-server`) on a free port in a temporary folder of its own (removed
 * on stop): a fresh data folder (`mariadb-install-db`), then `mariadbd` listening on 127.0.0.1 only.
 * When run as root, both run as the same unprivileged service user as the test Postgres. Root logs
 * in only over the private socket. With `tls`, the server also offers TLS with that certificate.
 */
export async function startMariaDb(
  options: { tls?: { certFile: string; keyFile: string } } = {},
): Promise<MariaDb> {
  const installDb = find('mariadb-install-db');
  const server = find('mariadbd');
  const client = find('mariadb');
  if (!installDb || !server || !client) {
    throw new Error('MariaDB is not installed (Debian: apt-get install mariadb-server)');
  }
  const user = serviceUser();
  const owner = user ? { uid: user.uid, gid: user.gid } : {};
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-mariadb-'));
  if (user) chownSync(dataDir, user.uid, user.gid);
  const data = path.join(dataDir, 'data');
  const socket = path.join(dataDir, 'mariadb.sock');
  await run(
    installDb,
    ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db'],
    { cwd: '/', ...owner },
  );
  // The server reads its certificate as the service user: copies of its own, in its folder.
  const tlsArgs: string[] = [];
  if (options.tls) {
    const files = { cert: path.join(dataDir, 'tls.crt'), key: path.join(dataDir, 'tls.key') };
    copyFileSync(options.tls.certFile, files.cert);
    copyFileSync(options.tls.keyFile, files.key);
    if (user) for (const file of Object.values(files)) chownSync(file, user.uid, user.gid);
    tlsArgs.push(`--ssl-cert=${files.cert}`, `--ssl-key=${files.key}`);
  }
  const port = await freePort();
  const child = spawnSpec({
    name: 'mariadb',
    command: server,
    args: [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(dataDir, 'mariadb.pid')}`,
      `--log-error=${path.join(dataDir, 'error.log')}`,
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=16M',
      '--performance-schema=OFF',
      ...tlsArgs,
    ],
    cwd: '/',
    ...owner,
  });
  const sql = async (statements: string) => {
    const { stdout } = await run(client, [
      '--no-defaults',
      '-uroot',
      `--socket=${socket}`,
      '-N',
      '-e',
      statements,
    ]);
    return stdout;
  };
  const stop = async () => {
    await stopChild(child, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor('MariaDB', async () => (await sql('SELECT 1')).trim() === '1', {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, sql, stop };
}
