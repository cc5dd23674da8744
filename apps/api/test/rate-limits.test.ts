import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@sentinelmesh/stack/ports';
import { findRedisServer, waitForRedis } from '@sentinelmesh/stack/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApiEnv } from '../src/env';
import { apisPerFile, client, expectProblem, signupUser, type TestApi } from './helpers';

const { apiWith } = apisPerFile();

const login = (api: TestApi, remoteAddress: string, email: string, password: string, xff?: string) =>
  api.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    remoteAddress,
    headers: xff ? { 'x-forwarded-for': xff } : {},
    payload: { email, password },
  });

describe('TRUST_PROXY', () => {
  const parse = (value: string) => parseApiEnv({ ...minimalEnv, TRUST_PROXY: value }).TRUST_PROXY;
  const minimalEnv = {
    DATABASE_URL: 'postgres://localhost/x',
    REDIS_URL: 'redis://localhost',
    JWT_SECRET: 'x'.repeat(32),
    SECRETS_KEY: Buffer.alloc(32).toString('base64'),
  };

  it('refuses "true" at start-up, saying what to set instead', () => {
    expect(() => parse('true')).toThrow(/TRUST_PROXY.*address or CIDR.*number of proxy hops/s);
  });

  it.each([
    ['false', false],
    ['1', 1],
    ['127.0.0.1', ['127.0.0.1']],
    ['10.0.0.0/24, ::1', ['10.0.0.0/24', '::1']],
  ])('accepts %s', (value, expected) => {
    expect(parse(value)).toEqual(expected);
  });

  it.each(['yes', '0', '10.0.0.0/33', 'proxy.local', '1.2.3'])('refuses %s', (value) => {
    expect(() => parse(value)).toThrow(/TRUST_PROXY/);
  });
});

describe('client addresses behind the trusted hop', () => {
  it('ignores X-Forwarded-For from a client that is not the trusted proxy', async () => {
    const api = await apiWith({ AUTH_RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: '127.0.0.1' });
    // A direct client changing its claimed address on every try still spends its own budget.
    for (let i = 0; i < 3; i++)
      expectProblem(
        await login(api, '127.0.0.2', `s${i}@example.com`, 'wrong password', `198.51.100.${i}`),
        401,
      );
    expectProblem(await login(api, '127.0.0.2', 's9@example.com', 'wrong password', '198.51.100.99'), 429);
    // Through the trusted hop, each forwarded client has a budget of its own.
    expectProblem(await login(api, '127.0.0.1', 's9@example.com', 'wrong password', '203.0.113.1'), 401);
    expectProblem(await login(api, '127.0.0.1', 's9@example.com', 'wrong password', '203.0.113.2'), 401);
  });
});

// Each sign-in hashes a password: these tests make 60 to 110 of them.
const MANY_SIGN_INS_MS = 120_000;

describe('failed sign-ins', () => {
  it(
    "never lock out another client's correct sign-in to the same account",
    async () => {
      const api = await apiWith({ AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
      const victim = await signupUser(api.app, 'Victim');
      // More failures than every per-account-and-client, per-client and per-account threshold.
      for (let i = 0; i < 60; i++) {
        const res = await login(api, `198.51.100.${1 + (i % 3)}`, victim.email, `guess number ${i}`);
        expect([401, 429]).toContain(res.statusCode);
      }
      const attacker = await login(api, '198.51.100.1', victim.email, victim.password);
      const throttled = expectProblem(attacker, 429);
      expect(throttled.detail).toContain('failed sign-ins');
      expect(Number(attacker.headers['retry-after'])).toBeGreaterThan(60);
      expect((await login(api, '203.0.113.50', victim.email, victim.password)).statusCode).toBe(200);
    },
    MANY_SIGN_INS_MS,
  );

  it(
    'refuses a client after 10 failures on one account, and after 50 across accounts',
    async () => {
      const api = await apiWith({ AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
      for (let i = 0; i < 10; i++)
        expectProblem(await login(api, '192.0.2.10', 'one@example.com', 'wrong password'), 401);
      expectProblem(await login(api, '192.0.2.10', 'one@example.com', 'wrong password'), 429);
      expectProblem(await login(api, '192.0.2.10', 'two@example.com', 'wrong password'), 401);
      for (let i = 0; i < 50; i++)
        expect((await login(api, '192.0.2.11', `n${i}@example.com`, 'wrong password')).statusCode).toBe(401);
      expectProblem(await login(api, '192.0.2.11', 'fresh@example.com', 'wrong password'), 429);
    },
    MANY_SIGN_INS_MS,
  );

  it(
    'lets a clean client try an account under attack, but only clean ones',
    async () => {
      const api = await apiWith({ AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
      const target = await signupUser(api.app, 'Target');
      // 100 failures from 20 clients: 5 each, under the per-client thresholds.
      for (let i = 0; i < 100; i++)
        expectProblem(await login(api, `198.18.0.${i % 20}`, target.email, 'wrong password'), 401);
      expectProblem(await login(api, '198.18.0.3', target.email, target.password), 429);
      expect((await login(api, '198.18.1.1', target.email, target.password)).statusCode).toBe(200);
    },
    MANY_SIGN_INS_MS,
  );
});

describe('public pages and heartbeats', () => {
  it('limits each status page per client, not one budget for every page', async () => {
    const api = await apiWith({ RATE_LIMIT_PER_MINUTE: '3' });
    const owner = await signupUser(api.app, 'Pages');
    // The owner's own calls count against the per-credential limit of 3: two pages, then reads.
    for (const slug of ['page-one', 'page-two']) {
      const res = await client(api.app, owner.token).post('/v1/status-pages', {
        slug,
        title: slug,
        monitorIds: [],
      });
      expect(res.statusCode).toBe(201);
    }
    const read = (slug: string, remoteAddress = '203.0.113.20') =>
      api.app.inject({ method: 'GET', url: `/v1/public/status-pages/${slug}`, remoteAddress });
    for (let i = 0; i < 3; i++) expect((await read('page-one')).statusCode).toBe(200);
    expectProblem(await read('page-one'), 429);
    expect((await read('page-two')).statusCode).toBe(200);
    expect((await read('page-one', '203.0.113.21')).statusCode).toBe(200);
  });

  it('limits heartbeat pings per monitor token', async () => {
    const api = await apiWith({ RATE_LIMIT_PER_MINUTE: '3' });
    const owner = await signupUser(api.app, 'Pings');
    const as = client(api.app, owner.token);
    const tokens: string[] = [];
    for (const name of ['nightly', 'hourly']) {
      const res = await as.post('/v1/monitors', { type: 'heartbeat', name, periodSeconds: 3600 });
      expect(res.statusCode).toBe(201);
      tokens.push(res.json().heartbeatToken);
    }
    const ping = (token: string | undefined) =>
      api.app.inject({ method: 'POST', url: `/v1/heartbeats/${token}`, remoteAddress: '203.0.113.30' });
    for (let i = 0; i < 3; i++) expect((await ping(tokens[0])).statusCode).toBe(200);
    expectProblem(await ping(tokens[0]), 429);
    expect((await ping(tokens[1])).statusCode).toBe(200);
  });
});

describe('with Redis down', () => {
  let redis: ChildProcess | undefined;
  let dataDir: string;

  afterAll(() => {
    redis?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('auth routes fail closed with 503 and Retry-After; other limits fail open', async () => {
    const server = findRedisServer();
    if (!server) throw new Error('redis-server is needed for this test');
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sm-redis-'));
    const port = await freePort();
    redis = spawn(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dataDir], {
      stdio: 'ignore',
    });
    const url = `redis://127.0.0.1:${port}`;
    await waitForRedis(url);
    const api = await apiWith({ REDIS_URL: url });
    const owner = await signupUser(api.app, 'Closed');
    expect((await login(api, '203.0.113.40', owner.email, owner.password)).statusCode).toBe(200);

    const stopped = new Promise((resolve) => redis?.once('exit', resolve));
    redis.kill('SIGKILL');
    await stopped;

    const refused = await login(api, '203.0.113.40', owner.email, owner.password);
    const problem = expectProblem(refused, 503);
    expect(problem.type).toBe('urn:sentinelmesh:problem:unavailable');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectProblem(
      await api.app.inject({
        method: 'POST',
        url: '/v1/auth/signup',
        remoteAddress: '203.0.113.40',
        payload: { email: 'closed@example.com', password: 'long enough password', organizationName: 'x' },
      }),
      503,
    );
    // The per-credential limit protects capacity, not secrets: it lets requests through.
    expect((await client(api.app, owner.token).get('/v1/monitors')).statusCode).toBe(200);
  });
});
