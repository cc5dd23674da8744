import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { monitorChangesChannel } from '@sentinelmesh/core';
import { createDb } from '@sentinelmesh/db';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { connectRedis, redactPaths } from '@sentinelmesh/platform';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import {
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  signupUser,
  startApi,
  TEST_METRICS_TOKEN,
  type TestApi,
  testEnv,
} from './helpers';
import { checkExposition } from './prometheus-format';

let testDb: TestDatabase;
let api: TestApi;
const opened: TestApi[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
});

afterAll(async () => {
  for (const other of opened) await other.app.close();
  await api?.app.close();
  await testDb?.drop();
});

async function apiWith(env: Record<string, string>) {
  const other = await startApi(testDb, { env });
  opened.push(other);
  return other;
}

describe('headers', () => {
  it('sends security headers and no x-powered-by on API responses', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['strict-transport-security']).toContain('max-age=31536000');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows CORS for the dashboard origin only', async () => {
    const preflight = (origin: string) =>
      api.app.inject({
        method: 'OPTIONS',
        url: '/v1/monitors',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    const allowed = await preflight('http://localhost:3000');
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const refused = await preflight('https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await api.app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('limits each credential per minute with a 429 problem and Retry-After, apart from other credentials', async () => {
    const limited = await apiWith({ RATE_LIMIT_PER_MINUTE: '5' });
    const a = await signupUser(limited.app, 'Busy');
    const b = await signupUser(limited.app, 'Calm');
    for (let i = 0; i < 5; i++)
      expect((await client(limited.app, a.token).get('/v1/monitors')).statusCode).toBe(200);
    const res = await client(limited.app, a.token).get('/v1/monitors');
    const problem = expectProblem(res, 429);
    expect(problem.type).toBe('urn:sentinelmesh:problem:rate_limited');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await client(limited.app, b.token).get('/v1/monitors')).statusCode).toBe(200);
  });

  it('counts an API key as its own credential', async () => {
    const limited = await apiWith({ RATE_LIMIT_PER_MINUTE: '3' });
    const owner = await signupUser(limited.app, 'Keyed');
    const key = (
      await client(limited.app, owner.token).post('/v1/api-keys', { name: 'ci', role: 'viewer' })
    ).json().key;
    for (let i = 0; i < 3; i++)
      expect((await client(limited.app, key).get('/v1/monitors')).statusCode).toBe(200);
    expectProblem(await client(limited.app, key).get('/v1/monitors'), 429);
  });

  it('turns the per-credential limit off with 0', async () => {
    const unlimited = await apiWith({ RATE_LIMIT_PER_MINUTE: '0' });
    const owner = await signupUser(unlimited.app, 'Free');
    for (let i = 0; i < 30; i++)
      expect((await client(unlimited.app, owner.token).get('/v1/me')).statusCode).toBe(200);
  });

  it('limits login and signup per client address', async () => {
    const strict = await apiWith({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    const from = (remoteAddress: string, email: string) =>
      strict.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress,
        payload: { email, password: 'wrong password!' },
      });
    for (let i = 0; i < 3; i++) expectProblem(await from('203.0.113.7', `a${i}@example.com`), 401);
    const res = await from('203.0.113.7', 'a9@example.com');
    expectProblem(res, 429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectProblem(
      await strict.app.inject({
        method: 'POST',
        url: '/v1/auth/signup',
        remoteAddress: '203.0.113.7',
        payload: { email: 'new@example.com', password: 'long enough password', organizationName: 'x' },
      }),
      429,
    );
    expectProblem(await from('203.0.113.8', 'b@example.com'), 401);
  });
});

describe('quota', () => {
  it('refuses a monitor beyond MAX_MONITORS_PER_ORG with a quota problem', async () => {
    const small = await apiWith({ MAX_MONITORS_PER_ORG: '2' });
    const owner = await signupUser(small.app, 'Small');
    const as = client(small.app, owner.token);
    expect((await as.post('/v1/monitors', httpMonitor())).statusCode).toBe(201);
    expect((await as.post('/v1/monitors', httpMonitor())).statusCode).toBe(201);
    const problem = expectProblem(await as.post('/v1/monitors', httpMonitor()), 409);
    expect(problem.type).toBe('urn:sentinelmesh:problem:quota_exceeded');
    const other = await signupUser(small.app, 'Other');
    expect((await client(small.app, other.token).post('/v1/monitors', httpMonitor())).statusCode).toBe(201);
  });
});

describe('request ids and logs', () => {
  it('carries the x-request-id into the monitor change it publishes', async () => {
    const subscriber = connectRedis(api.config);
    try {
      const messages: string[] = [];
      subscriber.on('message', (_channel, message) => messages.push(message));
      await subscriber.subscribe(monitorChangesChannel(api.config.QUEUE_PREFIX));
      const owner = await signupUser(api.app, 'Traced');
      const res = await api.app.inject({
        method: 'POST',
        url: '/v1/monitors',
        headers: { authorization: `Bearer ${owner.token}`, 'x-request-id': 'trace-abc-123' },
        payload: httpMonitor(),
      });
      expect(res.headers['x-request-id']).toBe('trace-abc-123');
      await expect
        .poll(() => messages.map((m) => JSON.parse(m)), { timeout: 5_000 })
        .toContainEqual({
          op: 'upsert',
          orgId: owner.orgId,
          monitorId: res.json().id,
          requestId: 'trace-abc-123',
        });
    } finally {
      await subscriber.quit();
    }
  });

  it('never writes tokens, cookies, keys or passwords to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' } }, sink);
    const config = testEnv(testDb, api.config.QUEUE_PREFIX);
    const app = await buildApp({
      config,
      db: createDb({ connectionString: testDb.url, max: 2 }),
      redis: connectRedis(config),
      logger,
    });
    try {
      const owner = await signupUser(app, 'Logged');
      const key = (await client(app, owner.token).post('/v1/api-keys', { name: 'k', role: 'viewer' })).json()
        .key;
      await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { cookie: `sm_refresh=${owner.cookie}` },
        payload: { email: owner.email, password: owner.password },
      });
      await client(app, key).get('/v1/monitors');
      await client(app, 'not-a-valid-token').get('/v1/monitors');
      const log = lines.join('');
      expect(log).toContain('request completed');
      for (const secret of [owner.token, key, owner.cookie, owner.password])
        expect(log).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});

describe('/metrics', () => {
  it.each([
    ['a sample without a TYPE', 'foo_total 1\n'],
    ['a bad label', '# TYPE foo counter\nfoo{a=b} 1\n'],
    ['a bad value', '# TYPE foo gauge\nfoo one\n'],
    [
      'buckets that are not cumulative',
      '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 3\n',
    ],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['no final newline', '# TYPE foo gauge\nfoo 1'],
  ])('the format check catches %s', (_name, text) => {
    expect(checkExposition(text).length).toBeGreaterThan(0);
  });

  it('is valid Prometheus text exposition (and passes promtool when it is installed)', async () => {
    const owner = await signupUser(api.app, 'Metered');
    await client(api.app, owner.token).get('/v1/monitors');
    await client(api.app, owner.token).get('/v1/monitors/00000000-0000-0000-0000-000000000000');
    const res = await api.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(checkExposition(res.body)).toEqual([]);
    expect(res.body).toMatch(/http_requests_total\{[^}]*route="\/v1\/monitors\/:id"[^}]*status="404"/);
    let promtool = true;
    try {
      execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    } catch {
      promtool = false;
    }
    if (promtool) execFileSync('promtool', ['check', 'metrics'], { input: res.body });
  });
});
