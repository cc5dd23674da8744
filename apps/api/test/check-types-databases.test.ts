import { type MonitorSecrets, SECRET_MASK } from '@sentinelmesh/core';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

const PASSWORD = 'db-pass-7731';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let box: SecretBox;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  box = new SecretBox(api.config.SECRETS_KEY);
  owner = await signupUser(api.app, 'Databases');
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

async function sealedPassword(id: string) {
  const row = await testDb.db
    .selectFrom('monitors')
    .select(['config', 'secrets'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  expect(JSON.stringify(row.config)).not.toContain(PASSWORD);
  return row.secrets ? box.open<MonitorSecrets>(row.secrets).fields?.password : undefined;
}

const monitors = {
  postgres: {
    type: 'postgres',
    name: 'orders db',
    host: 'db.example.com',
    username: 'monitor',
    password: PASSWORD,
    query: 'SELECT count(*) FROM orders',
    assertions: [{ source: 'json', path: '$.value', op: 'gt', value: 0 }],
  },
  mysql: {
    type: 'mysql',
    name: 'shop db',
    host: 'mysql.example.com',
    password: PASSWORD,
    tlsMode: 'verify-full',
  },
  redis: {
    type: 'redis',
    name: 'cache',
    host: 'cache.example.com',
    password: PASSWORD,
    command: 'get feature:flag',
  },
} as const;

describe('database monitors through the API', () => {
  it('creates each type with its defaults, the password sealed and masked, and reads it back', async () => {
    const expected = {
      postgres: { port: 5432, database: 'postgres', tlsMode: 'disable', username: 'monitor' },
      mysql: { port: 3306, username: 'root', tlsMode: 'verify-full' },
      redis: { port: 6379, db: 0, tlsMode: 'disable', command: 'get feature:flag' },
    };
    for (const [type, body] of Object.entries(monitors)) {
      const res = await client(api.app, owner.token).post('/v1/monitors', body);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.body).not.toContain(PASSWORD);
      const created = res.json();
      expect(created).toMatchObject({ ...expected[type as keyof typeof expected], password: SECRET_MASK });
      expect(await sealedPassword(created.id)).toBe(PASSWORD);
      const read = await client(api.app, owner.token).get(`/v1/monitors/${created.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ type, host: body.host, password: SECRET_MASK });
    }
  });

  it('refuses a command off the allow-list, an assertion source a database cannot judge, and a private host', async () => {
    const write = await client(api.app, owner.token).post('/v1/monitors', {
      ...monitors.redis,
      command: 'SET a b',
    });
    expect(expectProblem(write, 400).errors).toContainEqual(
      expect.objectContaining({ path: 'command', message: expect.stringContaining('SET is not allowed') }),
    );
    const arity = await client(api.app, owner.token).post('/v1/monitors', {
      ...monitors.redis,
      command: 'GET',
    });
    expect(expectProblem(arity, 400).errors[0]?.message).toMatch(/GET takes 1 argument/);
    const status = await client(api.app, owner.token).post('/v1/monitors', {
      ...monitors.postgres,
      assertions: [{ source: 'status', op: 'eq', value: 200 }],
    });
    expectProblem(status, 400);
    const tls = await client(api.app, owner.token).post('/v1/monitors', {
      ...monitors.mysql,
      tlsMode: 'prefer',
    });
    expectProblem(tls, 400);
    const local = await client(api.app, owner.token).post('/v1/monitors', {
      ...monitors.postgres,
      host: '10.0.0.5',
    });
    expect(expectProblem(local, 400).errors[0]?.path).toBe('host');
  });

  it('keeps the password on edits that keep the server, and wants it again when the server changes', async () => {
    const id = (await client(api.app, owner.token).post('/v1/monitors', monitors.postgres)).json().id;
    const renamed = await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
      name: 'orders db (primary)',
      password: SECRET_MASK,
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await sealedPassword(id)).toBe(PASSWORD);
    const moved = await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
      host: 'elsewhere.example.com',
      password: SECRET_MASK,
    });
    expect(expectProblem(moved, 400).errors[0]?.path).toBe('password');
    const plain = await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
      tlsMode: 'require',
      password: SECRET_MASK,
    });
    expectProblem(plain, 400);
    const resent = await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
      host: 'elsewhere.example.com',
      password: 'rotated-pass',
    });
    expect(resent.statusCode, resent.body).toBe(200);
    expect(await sealedPassword(id)).toBe('rotated-pass');
  });
});
