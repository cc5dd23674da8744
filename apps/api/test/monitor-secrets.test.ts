import { Writable } from 'node:stream';
import { type MonitorSecrets, SECRET_MASK } from '@sentinelmesh/core';
import { createDb } from '@sentinelmesh/db';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { connectRedis, createLogger, SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { sealMonitorSecrets } from '../src/jobs/seal-monitor-secrets';
import {
  addMemberSession,
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  testEnv,
} from './helpers';

const SECRET_URL = 'https://deploy:hunter2-pass@shop.example.com/health?token=tok-12345&page=2';
const MASKED_URL = `https://deploy:${SECRET_MASK}@shop.example.com/health?token=${SECRET_MASK}&page=2`;
const SECRET_HEADERS = {
  Authorization: 'Bearer live-bearer-777',
  'X-Api-Key': 'key-abcdef',
  accept: 'text/html',
};
const SECRETS = ['hunter2-pass', 'tok-12345', 'live-bearer-777', 'key-abcdef'];

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let box: SecretBox;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  box = new SecretBox(api.config.SECRETS_KEY);
  owner = await signupUser(api.app, 'Secretive');
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const expectNoSecret = (text: string) => {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

async function createSecretMonitor(session = owner) {
  const res = await client(api.app, session.token).post(
    '/v1/monitors',
    httpMonitor({ url: SECRET_URL, headers: SECRET_HEADERS }),
  );
  expect(res.statusCode).toBe(201);
  return res;
}

async function storedRow(id: string) {
  const row = await testDb.db
    .selectFrom('monitors')
    .select(['config', 'secrets', 'secrets_unsealed'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { ...row, opened: row.secrets ? box.open<MonitorSecrets>(row.secrets) : null };
}

describe('monitor secrets at rest and in responses', () => {
  it('masks header values and URL secrets in the create response, for the owner too', async () => {
    const res = await createSecretMonitor();
    expectNoSecret(res.body);
    expect(res.json()).toMatchObject({
      url: MASKED_URL,
      headers: { Authorization: SECRET_MASK, 'X-Api-Key': SECRET_MASK, accept: 'text/html' },
    });
  });

  it('keeps no plaintext secret in the row: config holds masks, the sealed column the values', async () => {
    const id = (await createSecretMonitor()).json().id;
    const row = await storedRow(id);
    expectNoSecret(JSON.stringify(row.config));
    expectNoSecret(String(row.secrets));
    expect(row.secrets_unsealed).toBe(false);
    expect(row.opened).toEqual({
      url: SECRET_URL,
      headers: { Authorization: 'Bearer live-bearer-777', 'X-Api-Key': 'key-abcdef' },
    });
  });

  it('shows a viewer (user and viewer API key) no monitor secret and no heartbeat token', async () => {
    const id = (await createSecretMonitor()).json().id;
    const heartbeat = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'heartbeat',
      name: 'nightly backup',
      periodSeconds: 3600,
    });
    const token = heartbeat.json().heartbeatToken as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);

    const viewer = await addMemberSession(api, owner, 'viewer');
    const key = (
      await client(api.app, owner.token).post('/v1/api-keys', { name: 'ro', role: 'viewer' })
    ).json().key as string;
    for (const credential of [viewer.token, key]) {
      const as = client(api.app, credential);
      for (const res of [
        await as.get(`/v1/monitors/${id}`),
        await as.get('/v1/monitors'),
        await as.get(`/v1/monitors/${heartbeat.json().id}`),
      ]) {
        expect(res.statusCode).toBe(200);
        expectNoSecret(res.body);
        expect(res.body).not.toContain(token);
      }
      expect((await as.get(`/v1/monitors/${heartbeat.json().id}`)).json().heartbeatToken).toBeNull();
    }

    const member = await addMemberSession(api, owner, 'member');
    const seen = await client(api.app, member.token).get(`/v1/monitors/${heartbeat.json().id}`);
    expect(seen.json().heartbeatToken).toBe(token);
    expectNoSecret((await client(api.app, member.token).get(`/v1/monitors/${id}`)).body);
  });

  it('keeps the stored secrets when a PATCH sends the masks back unchanged', async () => {
    const created = (await createSecretMonitor()).json();
    const { id, createdAt: _c, updatedAt: _u, state: _s, ...fields } = created;
    const res = await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
      ...fields,
      name: 'Renamed',
    });
    expect(res.statusCode, res.body).toBe(200);
    expectNoSecret(res.body);
    expect((await storedRow(id)).opened).toEqual({
      url: SECRET_URL,
      headers: { Authorization: 'Bearer live-bearer-777', 'X-Api-Key': 'key-abcdef' },
    });

    const moved = await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
      url: `https://deploy:${SECRET_MASK}@shop.example.com/v2/health?token=${SECRET_MASK}`,
    });
    expect(moved.statusCode).toBe(200);
    expect((await storedRow(id)).opened?.url).toBe(
      'https://deploy:hunter2-pass@shop.example.com/v2/health?token=tok-12345',
    );
  });

  it('replaces a secret given a new value and drops it with its header', async () => {
    const id = (await createSecretMonitor()).json().id;
    const res = await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
      headers: { Authorization: 'Bearer rotated-888', accept: 'text/html' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().headers).toEqual({ Authorization: SECRET_MASK, accept: 'text/html' });
    expect((await storedRow(id)).opened?.headers).toEqual({ Authorization: 'Bearer rotated-888' });
  });

  it('refuses a mask with nothing stored behind it, and stored secrets sent to another origin', async () => {
    const id = (await createSecretMonitor()).json().id;
    const unknown = expectProblem(
      await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
        headers: { Authorization: SECRET_MASK, 'X-Other-Key': SECRET_MASK },
      }),
      400,
    );
    expect(unknown.errors.map((e) => e.path)).toEqual(['headers.X-Other-Key']);

    const elsewhere = expectProblem(
      await client(api.app, owner.token).patch(`/v1/monitors/${id}`, {
        url: 'https://collector.example.net/',
      }),
      400,
    );
    expect(elsewhere.errors.map((e) => e.path).sort()).toEqual([
      'headers.Authorization',
      'headers.X-Api-Key',
    ]);
    expect(elsewhere.errors[0]?.message).toContain('origin');

    const fresh = expectProblem(
      await client(api.app, owner.token).post(
        '/v1/monitors',
        httpMonitor({ headers: { Authorization: SECRET_MASK } }),
      ),
      400,
    );
    expect(fresh.errors.map((e) => e.path)).toEqual(['headers.Authorization']);
    expect((await storedRow(id)).opened?.headers?.Authorization).toBe('Bearer live-bearer-777');
  });
});

describe('upgrade of rows stored in the clear', () => {
  it('seals the secrets of a row written before they were sealed, masks it meanwhile, and leaves nothing behind', async () => {
    const id = await insertMonitor(testDb.db, owner.orgId, {
      config: { name: 'Old monitor', url: SECRET_URL, headers: SECRET_HEADERS, assertions: [] },
    });
    const before = await storedRow(id);
    expect(before.secrets_unsealed).toBe(true);
    expectNoSecret((await client(api.app, owner.token).get('/v1/monitors')).body);

    expect(await sealMonitorSecrets(testDb.db, box, createLogger('seal-test', 'silent'))).toBeGreaterThan(0);
    const after = await storedRow(id);
    expect(after.secrets_unsealed).toBe(false);
    expectNoSecret(JSON.stringify(after.config));
    expect(after.config).toMatchObject({
      url: MASKED_URL,
      headers: { Authorization: SECRET_MASK, accept: 'text/html' },
    });
    expect(after.opened).toEqual({
      url: SECRET_URL,
      headers: { Authorization: 'Bearer live-bearer-777', 'X-Api-Key': 'key-abcdef' },
    });
    expect(await sealMonitorSecrets(testDb.db, box, createLogger('seal-test', 'silent'))).toBe(0);
  });
});

describe('request logs', () => {
  it('never write a heartbeat ping token or a secret query value', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = testEnv(testDb, api.config.QUEUE_PREFIX);
    const app = await buildApp({
      config,
      db: createDb({ connectionString: testDb.url, max: 2 }),
      redis: connectRedis(config),
      logger: createLogger('api', 'info', sink),
    });
    try {
      const monitor = await client(app, owner.token).post('/v1/monitors', {
        type: 'heartbeat',
        name: 'cron',
        periodSeconds: 600,
      });
      const token = monitor.json().heartbeatToken as string;
      expect((await app.inject({ method: 'GET', url: `/v1/heartbeats/${token}` })).statusCode).toBe(200);
      await app.inject({ method: 'POST', url: `/v1/heartbeats/${token}?status=fail&message=disk` });
      await app.inject({ method: 'GET', url: `/v1/heartbeats/${'x'.repeat(40)}-unknown` });
      await app.inject({ method: 'GET', url: '/v1/monitors?q=shop&access_token=tok-12345' });
      const log = lines.join('');
      expect(log).toContain('/v1/heartbeats/[redacted]');
      expect(log).not.toContain(token);
      expect(log).not.toContain('-unknown');
      expect(log).not.toContain('tok-12345');
    } finally {
      await app.close();
    }
  });
});
