import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppProcess } from '../../../test/support/app-process';
import { waitFor } from '../../../test/support/wait';
import { createDb, type Db, dropExpiredResults, pendingMigrations, waitForSchema } from '../src';
import { migrations } from '../src/migrations/index';
import {
  adminQuery,
  createEmptyDatabase,
  createTestDatabase,
  type EmptyDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '../src/testing';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const suffix = randomBytes(4).toString('hex');
const appUser = `sm_app_${suffix}`;
const appPassword = `pw-${randomBytes(8).toString('hex')}`;

/** One real migrator process, as `pnpm migrate` runs it. */
function runMigrator(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/db/src/migrate-cli.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** Tables, columns, indexes, policies and functions of the public schema: what "one schema" compares. */
async function schemaOf(db: Db): Promise<string[]> {
  const { rows } = await sql<{ item: string }>`
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type AS item
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'policy ' || tablename || '.' || policyname FROM pg_policies WHERE schemaname = 'public'
    UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
    ORDER BY 1
  `.execute(db);
  return rows.map((r) => r.item).filter((item) => !/check_results_p\d{8}/.test(item));
}

let fresh: EmptyDatabase;
let template: TestDatabase;

beforeAll(async () => {
  [fresh, template] = await Promise.all([createEmptyDatabase(), createTestDatabase()]);
});

afterAll(async () => {
  await template?.drop();
  await fresh?.drop();
  await adminQuery(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(appUser)}`);
});

describe('the migrate step', () => {
  it('run by three migrators at once on a fresh database, ends in one correct schema', async () => {
    const env = { DATABASE_URL: fresh.url(), APP_DATABASE_URL: fresh.url(appUser, appPassword) };
    const runs = await Promise.all([runMigrator(env), runMigrator(env), runMigrator(env)]);
    for (const run of runs) expect(run.code, run.output).toBe(0);

    const summaries = runs.map((run) => {
      const last = run.output.trim().split('\n').at(-1) ?? '{}';
      return JSON.parse(last) as { msg: string; applied: string[]; appRole: string };
    });
    // The lock makes them take turns: one applies everything, the other two find nothing to do.
    const applied = summaries.map((s) => s.applied.length).sort();
    expect(applied).toEqual([0, 0, Object.keys(migrations).length]);
    expect(summaries.every((s) => s.appRole === appUser)).toBe(true);

    const db = createDb({ connectionString: fresh.url(), max: 1 });
    try {
      const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(
        db,
      );
      expect(rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
      expect(await pendingMigrations(db)).toEqual([]);
      expect(await schemaOf(db)).toEqual(await schemaOf(template.db));
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it("gives the apps' role rows, the tenant role and partitions, but no DDL", async () => {
    const app = new pg.Client({ connectionString: fresh.url(appUser, appPassword) });
    await app.connect();
    const codeOf = async (text: string) => {
      try {
        await app.query(text);
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    try {
      const { rows } = await app.query<{ rolsuper: boolean; owns: number }>(`
        SELECT r.rolsuper, (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owns
        FROM pg_roles r WHERE r.rolname = current_user`);
      expect(rows[0]).toEqual({ rolsuper: false, owns: 0 });

      expect(await codeOf(`INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme-${suffix}')`)).toBe(
        'ok',
      );
      // Its own work spans organizations: the tenant role's row-level policy does not bind it.
      const seen = await app.query('SELECT id FROM organizations WHERE slug = $1', [`acme-${suffix}`]);
      expect(seen.rowCount).toBe(1);
      expect(await codeOf('SELECT count(*) FROM check_results')).toBe('ok');
      expect(await codeOf(`SELECT create_result_partition(current_date + 40)`)).toBe('ok');
      expect(await codeOf('BEGIN; SET LOCAL ROLE sentinelmesh_tenant; SELECT 1 FROM monitors; COMMIT')).toBe(
        'ok',
      );

      // Retention drops expired day partitions through the owner's function, and nothing else.
      const old = new Date(Date.now() - 100 * 86_400_000);
      await app.query('SELECT create_result_partition($1::date)', [old.toISOString().slice(0, 10)]);
      const appDb = createDb({ connectionString: fresh.url(appUser, appPassword), max: 1 });
      try {
        const dropped = await dropExpiredResults(appDb, new Date(Date.now() - 90 * 86_400_000));
        expect(dropped).toEqual([`check_results_p${old.toISOString().slice(0, 10).replaceAll('-', '')}`]);
      } finally {
        await appDb.destroy();
      }
      expect(await codeOf(`SELECT drop_result_partition('monitors')`)).toBe('22023');

      // 42501: insufficient privilege; the owner's rights are not the app's.
      expect(await codeOf('CREATE TABLE intruder (id int)')).toBe('42501');
      expect(await codeOf('ALTER TABLE monitors ADD COLUMN intruder int')).toBe('42501');
      expect(await codeOf('DROP TABLE incidents')).toBe('42501');
      expect(await codeOf('TRUNCATE check_results')).toBe('42501');
      expect(await codeOf('CREATE INDEX intruder_idx ON monitors (created_at)')).toBe('42501');
      expect(await codeOf('ALTER TABLE monitors DISABLE ROW LEVEL SECURITY')).toBe('42501');
      expect(await codeOf(`DELETE FROM kysely_migration WHERE name = '0009-app-role'`)).toBe('42501');
      expect(await codeOf('CREATE ROLE intruder')).toBe('42501');
    } finally {
      await app.end();
    }
  });

  it("stores the apps' password as a SCRAM verifier that Postgres accepts, and nothing in clear", async () => {
    const admin = new pg.Client({ connectionString: fresh.url() });
    await admin.connect();
    const { rows } = await admin.query<{ rolpassword: string; hba: string }>(
      'SELECT rolpassword, current_setting($2) AS hba FROM pg_authid WHERE rolname = $1',
      [appUser, 'hba_file'],
    );
    expect(rows[0]?.rolpassword).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/,
    );
    // The test server trusts local connections: for this role alone, ask for the password.
    const hbaFile = rows[0]?.hba ?? '';
    const original = readFileSync(hbaFile, 'utf8');
    const rule = (address: string) => `host all ${appUser} ${address} scram-sha-256`;
    writeFileSync(hbaFile, `${rule('127.0.0.1/32')}\n${rule('::1/128')}\n${original}`);
    const login = async (password: string) => {
      const client = new pg.Client({ connectionString: fresh.url(appUser, password) });
      try {
        await client.connect();
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    try {
      await admin.query('SELECT pg_reload_conf()');
      await waitFor('the server to ask for passwords', async () => (await login('wrong')) === '28P01');
      expect(await login(appPassword)).toBe('ok');
    } finally {
      writeFileSync(hbaFile, original);
      await admin.query('SELECT pg_reload_conf()');
      await admin.end();
    }
  });

  it('lets an app wait for its schema, with a bound, and go on once the migrate step has run', async () => {
    const empty = await createEmptyDatabase();
    const db = createDb({ connectionString: empty.url(), max: 1 });
    try {
      const waits: string[][] = [];
      await expect(
        waitForSchema(db, { timeoutMs: 600, onWait: (pending) => waits.push(pending) }),
      ).rejects.toThrow(/lacks migrations 0001-initial.*run the migrate step/);
      expect(waits[0]).toEqual(Object.keys(migrations));

      // A real app process: it says what it waits for, creates nothing, and starts once migrated.
      const scheduler = startAppProcess('scheduler', {
        DATABASE_URL: empty.url(),
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: uniqueQueuePrefix(),
        OPS_PORT: '0',
      });
      try {
        await waitFor('the scheduler to wait for its schema', () =>
          scheduler.output().includes('waiting for the migrate step to apply these migrations'),
        );
        expect(await pendingMigrations(db)).toEqual(Object.keys(migrations));
        expect(scheduler.output()).not.toContain('"listening"');

        const run = await runMigrator({ DATABASE_URL: empty.url() });
        expect(run.code, run.output).toBe(0);
        expect(await scheduler.listeningPort()).toBeGreaterThan(0);
      } finally {
        scheduler.child.kill('SIGTERM');
        await scheduler.exited;
      }
    } finally {
      await db.destroy();
      await empty.drop();
    }
  }, 90_000);
});
