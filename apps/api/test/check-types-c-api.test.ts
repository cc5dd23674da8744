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

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let box: SecretBox;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  box = new SecretBox(api.config.SECRETS_KEY);
  owner = await signupUser(api.app, 'Registrars');
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const steps = [
  {
    name: 'login',
    method: 'POST',
    url: 'https://api.example.com/login',
    headers: { 'content-type': 'application/json' },
    body: '{"user":"ada","password":"{{secret_password}}"}',
    extract: [{ name: 'token', from: 'json', path: '$.token' }],
  },
  {
    name: 'orders',
    url: 'https://api.example.com/orders?limit=1',
    headers: { authorization: 'Bearer {{token}}' },
    assertions: [{ source: 'json', path: '$.items', op: 'exists' }],
  },
];

async function opened(id: string) {
  const row = await testDb.db
    .selectFrom('monitors')
    .select(['config', 'secrets'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { config: row.config, secrets: row.secrets ? box.open<MonitorSecrets>(row.secrets) : null };
}

describe('domain monitors through the API', () => {
  it('creates one with its defaults and reads it back', async () => {
    const res = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'domain',
      name: 'example.com registration',
      domain: 'Example.COM',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      type: 'domain',
      domain: 'example.com',
      minDaysLeft: 14,
      warnDaysLeft: 30,
    });
    const read = await client(api.app, owner.token).get(`/v1/monitors/${res.json().id}`);
    expect(read.json()).toMatchObject({ domain: 'example.com', minDaysLeft: 14, assertions: [] });
  });

  it('refuses a name that is not a domain and a private RDAP server', async () => {
    const bad = expectProblem(
      await client(api.app, owner.token).post('/v1/monitors', {
        type: 'domain',
        name: 'x',
        domain: 'localhost',
      }),
      400,
    );
    expect(JSON.stringify(bad)).toContain('domain');
    const privateServer = expectProblem(
      await client(api.app, owner.token).post('/v1/monitors', {
        type: 'domain',
        name: 'x',
        domain: 'example.com',
        rdapBaseUrl: 'http://127.0.0.1:8080/rdap/',
      }),
      400,
    );
    expect(JSON.stringify(privateServer)).toContain('rdapBaseUrl');
  });
});

describe('multi-step API monitors through the API', () => {
  it('creates one, seals its secret variables and shows them masked', async () => {
    const res = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'api',
      name: 'checkout flow',
      steps,
      secretVariables: { secret_password: 'hunter2-pass' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain('hunter2-pass');
    const body = res.json();
    expect(body.secretVariables).toEqual({ secret_password: SECRET_MASK });
    expect(body.steps[0]).toMatchObject({ name: 'login', followRedirects: true, extract: steps[0]?.extract });
    expect(body.steps[1].assertions).toEqual(steps[1]?.assertions);
    // A step without assertions gets HTTP's default.
    expect(body.steps[0].assertions).toEqual([{ source: 'status', op: 'between', value: [200, 399] }]);
    const row = await opened(body.id);
    expect(JSON.stringify(row.config)).not.toContain('hunter2-pass');
    expect(row.secrets?.fields).toEqual({ secretVariables: { secret_password: 'hunter2-pass' } });
  });

  it('wants the secret values again when the steps change', async () => {
    const created = (
      await client(api.app, owner.token).post('/v1/monitors', {
        type: 'api',
        name: 'flow',
        steps,
        secretVariables: { secret_password: 'hunter2-pass' },
      })
    ).json();
    const moved = await client(api.app, owner.token).patch(`/v1/monitors/${created.id}`, {
      steps: [{ ...steps[0], url: 'https://elsewhere.example.net/login' }, steps[1]],
      secretVariables: created.secretVariables,
    });
    expectProblem(moved, 400);
    expect(moved.body).toContain('send the real value again');
  });

  it('refuses a secret written into a step, but still edits a monitor saved with one before the rule', async () => {
    const written = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'api',
      name: 'literal',
      steps: [
        { name: 'a', url: 'https://api.example.com/x?api_key=k1', headers: { Authorization: 'Bearer t1' } },
      ],
    });
    expectProblem(written, 400);
    expect(
      written
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['steps.0.headers.Authorization', 'steps.0.url']);
    expect(written.body).toContain('put it in secretVariables');

    const created = (
      await client(api.app, owner.token).post('/v1/monitors', { type: 'api', name: 'legacy', steps })
    ).json();
    const legacyStep = { ...created.steps[1], headers: { authorization: 'Bearer literal-from-before' } };
    await testDb.db
      .updateTable('monitors')
      .set({
        config: JSON.stringify({
          ...(await opened(created.id)).config,
          steps: [created.steps[0], legacyStep],
        }),
      })
      .where('id', '=', created.id)
      .execute();
    const renamed = await client(api.app, owner.token).patch(`/v1/monitors/${created.id}`, {
      name: 'renamed',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const restepped = await client(api.app, owner.token).patch(`/v1/monitors/${created.id}`, {
      steps: [created.steps[0], legacyStep],
    });
    expectProblem(restepped, 400);
    expect(restepped.body).toContain('steps.1.headers.authorization');
  });

  it('refuses unknown variables, templated hosts, private hosts and foreign assertion sources', async () => {
    const post = (fields: Record<string, unknown>) =>
      client(api.app, owner.token).post('/v1/monitors', { type: 'api', name: 'x', ...fields });
    const unknown = await post({ steps: [{ name: 'a', url: 'https://api.example.com/{{token}}' }] });
    expect(expectProblem(unknown, 400) && unknown.body).toContain(
      'step 1 uses {{token}}, which no earlier step extracts',
    );
    const host = await post({ steps: [{ name: 'a', url: 'https://{{secret_host}}/x' }] });
    expect(expectProblem(host, 400) && host.body).toContain('the host cannot come from a variable');
    const loopback = await post({ steps: [{ name: 'a', url: 'http://127.0.0.1:9/x' }] });
    expect(expectProblem(loopback, 400) && loopback.body).toContain('steps.0.url');
    const cert = await post({
      steps: [
        {
          name: 'a',
          url: 'https://api.example.com/',
          assertions: [{ source: 'certExpiresInDays', op: 'gt', value: 1 }],
        },
      ],
    });
    expect(expectProblem(cert, 400) && cert.body).toContain('a step can assert');
    const tooMany = await post({
      steps: Array.from({ length: 11 }, (_, i) => ({ name: `s${i}`, url: 'https://api.example.com/' })),
    });
    expectProblem(tooMany, 400);
  });
});
