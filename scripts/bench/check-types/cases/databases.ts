import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CheckSpec } from '@sentinelmesh/core';
import { startMariaDb } from '@sentinelmesh/stack/mariadb';
import { freePort } from '@sentinelmesh/stack/ports';
import { preparePostgres, serviceUser } from '@sentinelmesh/stack/postgres';
import { spawnSpec, stopChild } from '@sentinelmesh/stack/process-spec';
import { redisSpec } from '@sentinelmesh/stack/redis';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { BenchCase } from '../case';

// Each case starts its own server on 127.0.0.1 and logs in as a role with a password; the query
// cases run one read-only statement per check, as a monitor with a query does.

const PASSWORD = 'bench-password';

const base = {
  id: '00000000-0000-4000-8000-00000000db01',
  orgId: '00000000-0000-4000-8000-00000000db02',
  name: 'bench',
  timeoutMs: 10_000,
  intervalSeconds: 60,
  assertions: [],
  host: '127.0.0.1',
  tlsMode: 'disable' as const,
};

function tempRoot(name: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), `sentinelmesh-bench-${name}-`));
  const user = serviceUser();
  if (user) chownSync(root, user.uid, user.gid);
  return root;
}

async function startPostgres() {
  const root = tempRoot('pg');
  const postgres = await preparePostgres({
    dataDir: path.join(root, 'pg'),
    port: await freePort(),
    profile: 'fast',
  });
  const child = spawnSpec(postgres.spec);
  await postgres.spec.ready?.();
  const admin = new pg.Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  // The server trusts local logins; the bench role still sends its password, as a monitor would.
  await admin.query(`CREATE ROLE bench LOGIN PASSWORD '${PASSWORD}'`);
  await admin.end();
  return {
    port: Number(new URL(postgres.adminUrl).port),
    close: async () => {
      await stopChild(child, 'SIGINT');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function startRedis() {
  const root = tempRoot('redis');
  const port = await freePort();
  const spec = redisSpec({ dataDir: path.join(root, 'redis'), port, appendOnly: false });
  const child = spawnSpec(spec);
  await spec.ready?.();
  const admin = new Redis(port, '127.0.0.1');
  await admin.call('ACL', 'SETUSER', 'bench', 'on', `>${PASSWORD}`, '~*', '+@read', '+@connection');
  await admin.set('feature:flag', 'on');
  admin.disconnect();
  return {
    port,
    close: async () => {
      await stopChild(child, 'SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function startMysql() {
  const server = await startMariaDb();
  await server.sql(
    `CREATE USER 'bench'@'%' IDENTIFIED BY '${PASSWORD}'; GRANT SELECT ON *.* TO 'bench'@'%';`,
  );
  return { port: server.port, close: server.stop };
}

const credentials = { username: 'bench', password: PASSWORD };

export const cases: BenchCase[] = [
  {
    type: 'postgres',
    label: 'postgres login + SELECT 1',
    async start() {
      const server = await startPostgres();
      const spec: CheckSpec = {
        ...base,
        ...credentials,
        type: 'postgres',
        port: server.port,
        database: 'postgres',
        query: 'SELECT 1',
      };
      return { spec, close: server.close };
    },
  },
  {
    type: 'mysql',
    label: 'mysql (MariaDB) login + SELECT 1',
    async start() {
      const server = await startMysql();
      const spec: CheckSpec = {
        ...base,
        ...credentials,
        type: 'mysql',
        port: server.port,
        query: 'SELECT 1',
      };
      return { spec, close: server.close };
    },
  },
  {
    type: 'redis',
    label: 'redis AUTH + GET',
    async start() {
      const server = await startRedis();
      const spec: CheckSpec = {
        ...base,
        ...credentials,
        type: 'redis',
        port: server.port,
        db: 0,
        command: 'GET feature:flag',
      };
      return { spec, close: server.close };
    },
  },
];
