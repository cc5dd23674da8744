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

// SMTP, IMAP and POP3 monitors through the API: create, read, patch, refusals, OpenAPI.

let t: TestDatabase;
let api: TestApi;
let strict: TestApi;
let session: Session;
let owner: Session;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await startApi(t, { env: { ALLOW_PRIVATE_TARGETS: 'true' } });
  strict = await startApi(t, { env: { ALLOW_PRIVATE_TARGETS: 'false' } });
  session = await signupUser(api.app);
  owner = await signupUser(strict.app);
});

afterAll(async () => {
  await api?.app.close();
  await strict?.app.close();
  await t?.drop();
});

describe.each(['smtp', 'imap', 'pop3'] as const)('%s monitors', (type) => {
  it('are created with their defaults, read back and patched', async () => {
    const as = client(api.app, session.token);
    const created = await as.post('/v1/monitors', { type, name: `${type} server`, host: 'mail.example.com' });
    expect(created.statusCode, created.body).toBe(201);
    const monitor = created.json();
    expect(monitor).toMatchObject({
      type,
      host: 'mail.example.com',
      tls: 'starttls',
      certificateCheck: 'full',
      minDaysLeft: 14,
      assertions: [],
    });
    expect(monitor).not.toHaveProperty('port');

    const patched = await as.patch(`/v1/monitors/${monitor.id}`, {
      tls: 'implicit',
      port: 2465,
      servername: 'mx.example.com',
      certificateCheck: 'expiry',
      assertions: [{ source: 'certExpiresInDays', op: 'gte', value: 30 }],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const read = await as.get(`/v1/monitors/${monitor.id}`);
    expect(read.json()).toMatchObject({
      type,
      host: 'mail.example.com',
      tls: 'implicit',
      port: 2465,
      servername: 'mx.example.com',
      certificateCheck: 'expiry',
      assertions: [{ source: 'certExpiresInDays', op: 'gte', value: 30 }],
    });
  });

  it('keep the password write-only: sealed, masked, and asked for again when the host changes', async () => {
    const as = client(api.app, session.token);
    const body = {
      type,
      name: 'login',
      host: 'mail.example.com',
      username: 'monitor',
      password: 'pa55-w0rd-mail',
    };
    const created = await as.post('/v1/monitors', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ username: 'monitor', password: SECRET_MASK });
    expect(created.body).not.toContain('pa55-w0rd-mail');
    const id = created.json().id;
    const row = await t.db
      .selectFrom('monitors')
      .select(['config', 'secrets'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.config)).not.toContain('pa55-w0rd-mail');
    expect(row.secrets).not.toBeNull();
    const opened = new SecretBox(api.config.SECRETS_KEY).open<MonitorSecrets>(row.secrets as string);
    expect(JSON.stringify(opened)).toContain('pa55-w0rd-mail');

    const renamed = await as.patch(`/v1/monitors/${id}`, { name: 'renamed', password: SECRET_MASK });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const moved = await as.patch(`/v1/monitors/${id}`, {
      host: 'elsewhere.example.com',
      password: SECRET_MASK,
    });
    expect(expectProblem(moved, 400).errors.map((e) => e.path)).toEqual(['password']);
    const downgraded = await as.patch(`/v1/monitors/${id}`, { tls: 'none', password: SECRET_MASK });
    expect(expectProblem(downgraded, 400).errors.map((e) => e.path)).toEqual(['password']);
  });

  it('refuses bad fields with a problem naming each', async () => {
    const res = await client(api.app, session.token).post('/v1/monitors', {
      type,
      name: 'x',
      host: 'mail.example.com/inbox',
      tls: 'ssl',
      port: 70_000,
    });
    const paths = expectProblem(res, 400).errors.map((e) => e.path);
    expect(paths.sort()).toEqual(['host', 'port', 'tls']);
    const status = await client(api.app, session.token).post('/v1/monitors', {
      type,
      name: 'x',
      host: 'mail.example.com',
      assertions: [{ source: 'status', op: 'eq', value: 200 }],
    });
    expect(expectProblem(status, 400).errors.map((e) => e.path)).toEqual(['assertions.0.source']);
  });

  it('refuses a private host where the deployment does not allow private targets', async () => {
    const res = await client(strict.app, owner.token).post('/v1/monitors', {
      type,
      name: 'x',
      host: '10.0.0.25',
    });
    expect(expectProblem(res, 400).errors).toContainEqual({
      path: 'host',
      message: expect.stringContaining('public'),
    });
  });
});

it('documents the mail types in the OpenAPI document', async () => {
  const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const text = JSON.stringify(document);
  for (const type of ['smtp', 'imap', 'pop3']) expect(text).toContain(`"enum":["${type}"]`);
  expect(text).toContain('"enum":["none","starttls","implicit"]');
});
