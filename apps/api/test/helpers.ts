import { randomBytes } from 'node:crypto';
import { createDb } from '@sentinelmesh/db';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { connectRedis, createLogger } from '@sentinelmesh/platform';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { type App, buildApp } from '../src/app';
import type { Clock } from '../src/context';
import { parseApiEnv } from '../src/env';

/** Real time, moved forward on demand (token expiry without waiting). */
export class TestClock implements Clock {
  offsetMs = 0;
  /** With `fixedMs` the clock stands still there (plus any advance), for numbers computed by hand. */
  constructor(private readonly fixedMs?: number) {}
  now(): Date {
    return new Date((this.fixedMs ?? Date.now()) + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestApi {
  app: App;
  config: ReturnType<typeof parseApiEnv>;
  clock: TestClock;
}

// One pair per test file, so several apps over the same database accept each other's tokens and secrets.
const JWT_SECRET = randomBytes(32).toString('hex');
const SECRETS_KEY = randomBytes(32).toString('base64');

export const testEnv = (testDb: TestDatabase, prefix: string, overrides: Record<string, string> = {}) =>
  parseApiEnv({
    DATABASE_URL: testDb.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    JWT_SECRET,
    SECRETS_KEY,
    REGIONS: 'local,eu-west',
    LOG_LEVEL: 'silent',
    // Test files sign up many accounts from one address; the limit tests set their own values.
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    ...overrides,
  });

/** An API over the given test database with its own pool and Redis connection (closed by app.close()). */
export async function startApi(
  testDb: TestDatabase,
  options: { prefix?: string; env?: Record<string, string>; now?: Date } = {},
): Promise<TestApi> {
  const config = testEnv(testDb, options.prefix ?? uniqueQueuePrefix(), options.env);
  const clock = new TestClock(options.now?.getTime());
  const app = await buildApp({
    config,
    db: createDb({ connectionString: testDb.url, max: 5, applicationName: 'sentinelmesh-api-test' }),
    redis: connectRedis(config),
    logger: createLogger('api-test', 'silent'),
    clock,
  });
  await app.ready();
  return { app, config, clock };
}

export { createTestDatabase };

export interface Session {
  token: string;
  userId: string;
  orgId: string;
  email: string;
  password: string;
  cookie: string;
}

let counter = 0;

export async function signupUser(app: App, organizationName = 'Acme Inc'): Promise<Session> {
  counter++;
  const email = `user${counter}-${randomBytes(4).toString('hex')}@example.com`;
  const password = 'correct horse battery';
  const res = await app.inject({
    method: 'POST',
    url: '/v1/auth/signup',
    payload: { email, password, organizationName },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return {
    token: body.accessToken,
    userId: body.user.id,
    orgId: body.organization.id,
    email,
    password,
    cookie: refreshCookie(res) ?? '',
  };
}

/** The value of the sm_refresh cookie a response sets, if any. */
export function refreshCookie(res: LightMyRequestResponse): string | undefined {
  return res.cookies.find((c) => c.name === 'sm_refresh')?.value;
}

/** Authenticated requests as one session. */
export function client(app: App, token: string) {
  const send = (method: InjectOptions['method'], url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    });
  return {
    get: (url: string) => send('GET', url),
    post: (url: string, body?: unknown) => send('POST', url, body),
    patch: (url: string, body?: unknown) => send('PATCH', url, body),
    delete: (url: string) => send('DELETE', url),
  };
}

export const httpMonitor = (overrides: Record<string, unknown> = {}) => ({
  type: 'http',
  name: 'Checkout API',
  url: 'https://shop.example.com/health',
  ...overrides,
});

export function expectProblem(res: LightMyRequestResponse, status: number) {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected a problem+json response, got ${res.headers['content-type']}`);
  }
  return res.json() as {
    type: string;
    title: string;
    status: number;
    detail: string;
    errors: Array<{ path: string; message: string }>;
  };
}

/** A second person in `owner`'s organization with `role`, logged in there. */
export async function addMemberSession(app: App, owner: Session, role: string): Promise<Session> {
  const person = await signupUser(app, `Elsewhere ${role}`);
  const added = await client(app, owner.token).post('/v1/members', { email: person.email, role });
  if (added.statusCode !== 201) throw new Error(`adding a member failed: ${added.statusCode} ${added.body}`);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: person.email, password: person.password, organizationId: owner.orgId },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return { ...person, token: res.json().accessToken, orgId: owner.orgId, cookie: refreshCookie(res) ?? '' };
}

/** Polls `check` until it stops throwing, for at most `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
