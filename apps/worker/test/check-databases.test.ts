import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Assertion, CheckSpecOf } from '@sentinelmesh/core';
import { type MariaDb, startMariaDb } from '@sentinelmesh/stack/mariadb';
import { freePort } from '@sentinelmesh/stack/ports';
import { stopChild } from '@sentinelmesh/stack/process-spec';
import { waitFor } from '@sentinelmesh/stack/wait';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mysqlCheck } from '../src/checks/mysql-check';
import { postgresCheck } from '../src/checks/postgres-check';
import { redisCheck } from '../src/checks/redis-check';
import { closedPort, context } from './helpers';

const suffix = randomBytes(4).toString('hex');
const PASSWORD = `pw-${suffix}`;
const blocked = { ...context, allowPrivateTargets: false };

const base = {
  id: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-000000000002',
  name: 'database',
  timeoutMs: 3000,
  intervalSeconds: 60,
  assertions: [] as Assertion[],
};

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const labels = (details: { label: string }[] | undefined) => (details ?? []).map((d) => d.label);

/** A server that accepts connections and never says a word: every database client waits on it. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let silent: Awaited<ReturnType<typeof silentServer>>;
beforeAll(async () => {
  silent = await silentServer();
});
afterAll(async () => {
  await silent.close();
});

describe('postgres check', () => {
  const role = `monitor_${suffix}`;
  const database = `checks_${suffix}`;
  let admin: pg.Client;
  let port: number;
  let hbaFile: string;
  let hbaBefore: string;

  const spec = (overrides: Partial<CheckSpecOf<'postgres'>> = {}): CheckSpecOf<'postgres'> => ({
    ...base,
    type: 'postgres',
    host: '127.0.0.1',
    port,
    username: role,
    password: PASSWORD,
    tlsMode: 'disable',
    database,
    ...overrides,
  });
  const count = async () => Number((await adminIn(database, 'SELECT count(*) AS n FROM items')).rows[0].n);
  const adminIn = async (db: string, sql: string) => {
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = `/${db}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    port = Number(new URL(inject('postgresAdminUrl')).port);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${role}`);
    await adminIn(database, `CREATE TABLE items (id int); INSERT INTO items VALUES (1), (2), (3)`);
    await adminIn(database, `ALTER TABLE items OWNER TO ${role}`);
    // The suite's server trusts every login; this role alone must give its password (SCRAM).
    hbaFile = (await admin.query('SHOW hba_file')).rows[0].hba_file;
    hbaBefore = readFileSync(hbaFile, 'utf8');
    writeFileSync(`${hbaFile}.next`, `host all ${role} 127.0.0.1/32 scram-sha-256\n${hbaBefore}`);
    renameSync(`${hbaFile}.next`, hbaFile);
    await admin.query('SELECT pg_reload_conf()');
    await waitFor('the password rule', async () => {
      const client = new pg.Client({ host: '127.0.0.1', port, user: role, password: 'wrong', database });
      try {
        await client.connect();
        await client.end();
        return false;
      } catch (error) {
        return error instanceof pg.DatabaseError && error.code === '28P01';
      }
    });
  });
  afterAll(async () => {
    writeFileSync(`${hbaFile}.next`, hbaBefore);
    renameSync(`${hbaFile}.next`, hbaFile);
    await admin.query('SELECT pg_reload_conf()');
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('logs in with the password and judges the first value and the row count', async () => {
    const outcome = await postgresCheck(
      spec({
        query: 'SELECT id FROM items ORDER BY id',
        assertions: [
          { source: 'body', op: 'eq', value: '1' },
          { source: 'json', path: '$.rows', op: 'eq', value: 3 },
          { source: 'json', path: '$.value', op: 'eq', value: 1 },
        ],
      }),
      context,
    );
    expect(outcome.error).toBeNull();
    expect(outcome.ok).toBe(true);
    expect(outcome.phases.dnsMs).toBe(0);
    expect(outcome.phases.connectMs).not.toBeNull();
    expect(labels(outcome.details)).toEqual(['connect', 'login', 'query', 'rows']);
    expect(outcome.details?.find((d) => d.label === 'rows')).toEqual({
      label: 'rows',
      value: 3,
      unit: 'count',
    });
  });

  it('is up on a login alone when the monitor has no query', async () => {
    const outcome = await postgresCheck(spec(), context);
    expect(outcome.ok).toBe(true);
    expect(labels(outcome.details)).toEqual(['connect', 'login']);
  });

  it('fails an assertion on the result as assertion', async () => {
    const outcome = await postgresCheck(
      spec({
        query: 'SELECT count(*) FROM items',
        assertions: [{ source: 'json', path: '$.value', op: 'gt', value: 5 }],
      }),
      context,
    );
    expect(outcome.error?.kind).toBe('assertion');
    expect(String(outcome.failedAssertions[0]?.actual)).toBe('3');
  });

  it('reports a wrong password as auth', async () => {
    const outcome = await postgresCheck(spec({ password: 'wrong' }), context);
    expect(outcome.error?.kind).toBe('auth');
    expect(outcome.error?.message).toMatch(/password authentication failed/);
  });

  it('reports a missing password as auth, without reading one from the environment', async () => {
    const { password: _, ...withoutPassword } = spec();
    process.env.PGPASSWORD = PASSWORD;
    try {
      const outcome = await postgresCheck(withoutPassword, context);
      expect(outcome.error?.kind).toBe('auth');
    } finally {
      delete process.env.PGPASSWORD;
    }
  });

  it('reports a failing statement as query', async () => {
    const outcome = await postgresCheck(spec({ query: 'SELECT * FROM no_such_table' }), context);
    expect(outcome.error?.kind).toBe('query');
    expect(outcome.error?.message).toMatch(/no_such_table/);
  });

  it('refuses writes: a write statement, a second statement, a commit first', async () => {
    for (const query of [
      'INSERT INTO items VALUES (4)',
      'SELECT 1; INSERT INTO items VALUES (5)',
      'COMMIT; INSERT INTO items VALUES (6)',
      'WITH gone AS (DELETE FROM items RETURNING id) SELECT count(*) FROM gone',
      'DO $$ BEGIN SET TRANSACTION READ WRITE; INSERT INTO items VALUES (7); END $$',
    ]) {
      const outcome = await postgresCheck(spec({ query }), context);
      expect(outcome.error?.kind, query).toBe('query');
    }
    const alone = await postgresCheck(spec({ query: 'SET TRANSACTION READ WRITE' }), context);
    expect(alone.error?.kind).toBe('query');
    expect(await count()).toBe(3);
  });

  it('stops a slow query at the timeout', async () => {
    const outcome = await postgresCheck(spec({ query: 'SELECT pg_sleep(5)', timeoutMs: 500 }), context);
    expect(outcome.error?.kind).toBe('timeout');
    expect(outcome.latencyMs).toBeLessThan(2000);
  });

  it('times out on a server that never answers', async () => {
    const outcome = await postgresCheck(spec({ port: silent.port, timeoutMs: 300 }), context);
    expect(outcome.error?.kind).toBe('timeout');
  });

  it('reports a refused connection as connect', async () => {
    const outcome = await postgresCheck(spec({ port: await closedPort() }), context);
    expect(outcome.error?.kind).toBe('connect');
  });

  it('reports TLS required from a server without it as tls', async () => {
    const outcome = await postgresCheck(spec({ tlsMode: 'require' }), context);
    expect(outcome.error?.kind).toBe('tls');
  });

  it('refuses a private target unless allowed', async () => {
    const outcome = await postgresCheck(spec(), blocked);
    expect(outcome.error?.kind).toBe('blocked_target');
    const named = await postgresCheck(spec({ host: 'localhost' }), blocked);
    expect(named.error?.kind).toBe('blocked_target');
  });
});

describe('redis check', () => {
  const user = `monitor_${suffix}`;
  const key = `c-db:${suffix}`;
  let admin: Redis;
  let port: number;

  const spec = (overrides: Partial<CheckSpecOf<'redis'>> = {}): CheckSpecOf<'redis'> => ({
    ...base,
    type: 'redis',
    host: '127.0.0.1',
    port,
    username: user,
    password: PASSWORD,
    tlsMode: 'disable',
    db: 0,
    ...overrides,
  });

  beforeAll(async () => {
    admin = new Redis(inject('redisUrl'));
    port = Number(new URL(inject('redisUrl')).port);
    await admin.call('ACL', 'SETUSER', user, 'on', `>${PASSWORD}`, '~*', '+@all');
    await admin.set(key, 'on');
    await admin.select(3);
    await admin.set(key, 'in-three');
    await admin.select(0);
  });
  afterAll(async () => {
    await admin.call('ACL', 'DELUSER', user);
    await admin.del(key);
    await admin.select(3);
    await admin.del(key);
    admin.disconnect();
  });

  it('logs in, sends PING by default, and times each phase', async () => {
    const outcome = await redisCheck(
      spec({ assertions: [{ source: 'body', op: 'eq', value: 'PONG' }] }),
      context,
    );
    expect(outcome.error).toBeNull();
    expect(outcome.ok).toBe(true);
    expect(labels(outcome.details)).toEqual(['connect', 'login', 'query', 'rows']);
  });

  it('reads a key of the chosen database and judges it', async () => {
    const outcome = await redisCheck(
      spec({ db: 3, command: `GET ${key}`, assertions: [{ source: 'body', op: 'eq', value: 'in-three' }] }),
      context,
    );
    expect(outcome.ok).toBe(true);
    const missing = await redisCheck(
      spec({
        command: `EXISTS ${key}:nothing`,
        assertions: [{ source: 'json', path: '$.value', op: 'eq', value: 1 }],
      }),
      context,
    );
    expect(missing.error?.kind).toBe('assertion');
  });

  it('reports a wrong password as auth', async () => {
    const outcome = await redisCheck(spec({ password: 'wrong' }), context);
    expect(outcome.error?.kind).toBe('auth');
    expect(outcome.error?.message).toMatch(/WRONGPASS/);
  });

  it('never sends a command off the allow-list, even from a spec that skipped validation', async () => {
    const outcome = await redisCheck(spec({ command: `SET ${key} off` }), context);
    expect(outcome.error?.kind).toBe('query');
    expect(await admin.get(key)).toBe('on');
    const flush = await redisCheck(spec({ command: 'FLUSHALL' }), context);
    expect(flush.error?.kind).toBe('query');
    expect(await admin.get(key)).toBe('on');
  });

  it('reports an error reply to the command as query', async () => {
    await admin.rpush(`${key}:list`, 'a');
    try {
      const wrongType = await redisCheck(spec({ command: `GET ${key}:list` }), context);
      expect(wrongType.error?.kind).toBe('query');
      expect(wrongType.error?.message).toMatch(/WRONGTYPE/);
    } finally {
      await admin.del(`${key}:list`);
    }
  });

  it('times out on a server that never answers', async () => {
    const outcome = await redisCheck(spec({ port: silent.port, timeoutMs: 300 }), context);
    expect(outcome.error?.kind).toBe('timeout');
  });

  it('reports a refused connection as connect', async () => {
    const outcome = await redisCheck(spec({ port: await closedPort() }), context);
    expect(outcome.error?.kind).toBe('connect');
  });

  it('refuses a private target unless allowed', async () => {
    const outcome = await redisCheck(spec(), blocked);
    expect(outcome.error?.kind).toBe('blocked_target');
  });

  it('reports a server that does not speak Redis as protocol', async () => {
    const http = createServer((socket) => {
      socket.on('error', () => {});
      socket.on('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const address = http.address();
      const httpPort = typeof address === 'object' && address ? address.port : 0;
      const outcome = await redisCheck(spec({ port: httpPort }), context);
      expect(outcome.error?.kind).toBe('protocol');
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  describe('over TLS', () => {
    let server: ChildProcess;
    let tlsPort: number;

    beforeAll(async () => {
      tlsPort = await freePort();
      // A Redis of its own that speaks only TLS, with a self-signed certificate for localhost.
      server = spawn(
        'redis-server',
        [
          '--port',
          '0',
          '--tls-port',
          String(tlsPort),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
        ]
          .concat([
            '--tls-cert-file',
            fixture('self-signed.crt'),
            '--tls-key-file',
            fixture('self-signed.key'),
          ])
          .concat(['--tls-auth-clients', 'no']),
        { stdio: 'ignore' },
      );
      await waitFor('Redis over TLS', async () => (await redisCheck(tlsSpec('require'), context)).ok);
    });
    afterAll(async () => {
      if (server) await stopChild(server, 'SIGTERM');
    });
    const tlsSpec = (tlsMode: CheckSpecOf<'redis'>['tlsMode']) =>
      spec({ host: '127.0.0.1', port: tlsPort, tlsMode, username: undefined, password: undefined });

    it('connects encrypted with require, and refuses the untrusted certificate with verify-full', async () => {
      const encrypted = await redisCheck(tlsSpec('require'), context);
      expect(encrypted.ok).toBe(true);
      const verified = await redisCheck(tlsSpec('verify-full'), context);
      expect(verified.error?.kind).toBe('tls');
      expect(verified.error?.message).toMatch(/self[- ]signed/i);
    });
  });
});

describe('mysql check (MariaDB)', () => {
  let server: MariaDb;
  const spec = (overrides: Partial<CheckSpecOf<'mysql'>> = {}): CheckSpecOf<'mysql'> => ({
    ...base,
    type: 'mysql',
    host: '127.0.0.1',
    port: server.port,
    username: 'monitor',
    password: PASSWORD,
    tlsMode: 'disable',
    database: 'checks',
    ...overrides,
  });
  const count = async () => Number((await server.sql('SELECT COUNT(*) FROM checks.items')).trim());

  beforeAll(async () => {
    server = await startMariaDb({
      tls: { certFile: fixture('self-signed.crt'), keyFile: fixture('self-signed.key') },
    });
    await server.sql(
      `CREATE DATABASE checks; CREATE TABLE checks.items (id INT); INSERT INTO checks.items VALUES (1), (2), (3);
       CREATE USER 'monitor'@'%' IDENTIFIED BY '${PASSWORD}';
       GRANT SELECT, INSERT, DELETE ON checks.* TO 'monitor'@'%';`,
    );
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('logs in with the password and judges the first value and the row count', async () => {
    const outcome = await mysqlCheck(
      spec({
        query: 'SELECT id FROM items ORDER BY id',
        assertions: [
          { source: 'body', op: 'eq', value: '1' },
          { source: 'json', path: '$.rows', op: 'eq', value: 3 },
        ],
      }),
      context,
    );
    expect(outcome.error).toBeNull();
    expect(outcome.ok).toBe(true);
    expect(labels(outcome.details)).toEqual(['connect', 'login', 'query', 'rows']);
  });

  it('fails an assertion on the result as assertion', async () => {
    const outcome = await mysqlCheck(
      spec({
        query: 'SELECT COUNT(*) FROM items',
        assertions: [{ source: 'json', path: '$.value', op: 'gte', value: 10 }],
      }),
      context,
    );
    expect(outcome.error?.kind).toBe('assertion');
  });

  it('reports a wrong password as auth', async () => {
    const outcome = await mysqlCheck(spec({ password: 'wrong' }), context);
    expect(outcome.error?.kind).toBe('auth');
    expect(outcome.error?.message).toMatch(/Access denied/);
  });

  it('reports a failing statement as query', async () => {
    const outcome = await mysqlCheck(spec({ query: 'SELECT * FROM no_such_table' }), context);
    expect(outcome.error?.kind).toBe('query');
  });

  it('refuses writes: a write statement, a second statement, a commit first', async () => {
    for (const query of [
      'INSERT INTO items VALUES (4)',
      'SELECT 1; INSERT INTO items VALUES (5)',
      'COMMIT; DELETE FROM items',
    ]) {
      const outcome = await mysqlCheck(spec({ query }), context);
      expect(outcome.error?.kind, query).toBe('query');
    }
    expect(await count()).toBe(3);
  });

  it('stops a slow query at the timeout', async () => {
    const outcome = await mysqlCheck(spec({ query: 'SELECT SLEEP(5) FROM items', timeoutMs: 500 }), context);
    expect(outcome.error?.kind).toBe('timeout');
    expect(outcome.latencyMs).toBeLessThan(2000);
  });

  it('times out on a server that never answers', async () => {
    const outcome = await mysqlCheck(spec({ port: silent.port, timeoutMs: 300 }), context);
    expect(outcome.error?.kind).toBe('timeout');
  });

  it('reports a refused connection as connect', async () => {
    const outcome = await mysqlCheck(spec({ port: await closedPort() }), context);
    expect(outcome.error?.kind).toBe('connect');
  });

  it('connects encrypted with require, and refuses the untrusted certificate with verify-full', async () => {
    const encrypted = await mysqlCheck(
      spec({ tlsMode: 'require', query: "SHOW STATUS LIKE 'Ssl_cipher'" }),
      context,
    );
    expect(encrypted.error).toBeNull();
    expect(encrypted.details?.find((d) => d.label === 'rows')?.value).toBe(1);
    const verified = await mysqlCheck(spec({ tlsMode: 'verify-full' }), context);
    expect(verified.error?.kind).toBe('tls');
  });

  it('refuses a private target unless allowed', async () => {
    const outcome = await mysqlCheck(spec(), blocked);
    expect(outcome.error?.kind).toBe('blocked_target');
  });
});
