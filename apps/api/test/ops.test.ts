import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createDb } from '@sentinelmesh/db';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { client, signupUser, startApi, TEST_METRICS_TOKEN, type TestApi, testEnv } from './helpers';

let testDb: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('operational routes', () => {
  it('answers /health with ok', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /ready with 200 when Postgres and Redis answer', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('answers /ready with 503 naming Redis when Redis is unreachable', async () => {
    const deadRedis = createRedis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    deadRedis.on('error', () => undefined);
    const app = await buildApp({
      config: testEnv(testDb, uniqueQueuePrefix()),
      db: createDb({ connectionString: testDb.url, max: 1 }),
      // Port 1 never has a Redis; no offline queue, so the check fails at once.
      redis: deadRedis,
      logger: createLogger('api-test', 'silent'),
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'not_ready', checks: { postgres: 'ok', redis: 'error' } });
    } finally {
      await app.close();
    }
  });

  it('exposes request counts and durations per route pattern on /metrics', async () => {
    const session = await signupUser(api.app);
    await client(api.app, session.token).get('/v1/monitors/00000000-0000-4000-8000-000000000000');
    const res = await api.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(
      /http_requests_total\{method="GET",route="\/v1\/monitors\/:id",status="404",app="api"\} 1/,
    );
    expect(res.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/v1\/auth\/signup"[^}]*\} 1/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });

  it('echoes a well-formed x-request-id and invents one otherwise', async () => {
    const given = await api.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const bad = await api.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'a b\nc' },
    });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('OpenAPI document', () => {
  it('serves /openapi.json with the v1 routes generated from the zod schemas, without ops routes', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/signup',
        '/v1/auth/login',
        '/v1/me',
        '/v1/monitors',
        '/v1/monitors/{id}',
        '/v1/monitors/{id}/results',
        '/v1/incidents',
        '/v1/alerts',
        '/v1/channels',
      ]),
    );
    for (const ops of ['/health', '/ready', '/metrics', '/openapi.json'])
      expect(doc.paths).not.toHaveProperty(ops);
    const body = doc.paths['/v1/monitors'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toContain('intervalSeconds');
    expect(doc.paths['/v1/auth/login'].post.security).toEqual([]);
  });
});

describe('main.ts', () => {
  let child: ChildProcess | undefined;

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('finds its schema, listens, logs the port, serves requests and drains on SIGTERM', async () => {
    const env = testEnv(testDb, uniqueQueuePrefix());
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: {
        ...process.env,
        DATABASE_URL: testDb.url,
        REDIS_URL: testRedisUrl(),
        API_PORT: '0',
        HOST: '127.0.0.1',
        JWT_SECRET: env.JWT_SECRET,
        SECRETS_KEY: env.SECRETS_KEY,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = child;
    let output = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line within 30 s:\n${output}`)), 30_000);
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        for (const line of output.split('\n')) {
          if (!line.includes('"msg":"listening"')) continue;
          clearTimeout(timer);
          resolve(JSON.parse(line).port);
        }
      });
      proc.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    expect(port).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
