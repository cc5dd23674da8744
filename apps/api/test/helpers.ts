import { randomBytes } from 'node:crypto';
import { createDb, type Database } from '@sentinelmesh/db';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { connectRedis, createLogger, type Logger } from '@sentinelmesh/platform';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { type App, buildApp } from '../src/app';
import type { Clock } from '../src/context';
import { bindTenant } from '../src/db/tenant';
import { parseApiEnv } from '../src/env';
import type { LiveStreamOptions } from '../src/routes/events';
import { createMailer } from '../src/services/mailer';
import { type Mailbox, startMailbox } from './mailbox';

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
  /** The SMTP receiver the API mails to (closed with the app). */
  mailbox: Mailbox;
}

/** scrypt N=2^10 instead of OWASP's 2^17: test files sign up hundreds of accounts. */
export const TEST_PASSWORD_LOG2_N = 10;

// One pair per test file, so several apps over the same database accept each other's tokens and secrets.
const JWT_SECRET = randomBytes(32).toString('hex');
const SECRETS_KEY = randomBytes(32).toString('base64');

/** The bearer token of GET /metrics in tests. */
export const TEST_METRICS_TOKEN = 'metrics-token-of-the-api-tests';

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
    MAIL_RATE_LIMIT_PER_MINUTE: '10000',
    PASSWORD_HASH_LOG2_N: String(TEST_PASSWORD_LOG2_N),
    // Quotas are off unless a test sets them (quotas.test.ts); production defaults would trip others.
    MAX_MONITORS_PER_ORG: '0',
    MAX_CHECKS_PER_SECOND_PER_ORG: '0',
    MAX_CHANNELS_PER_ORG: '0',
    MAX_TEST_ALERTS_PER_MINUTE: '0',
    MAX_EMAIL_RECIPIENTS_PER_CHANNEL: '0',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    // No notifier runs beside most test APIs: test alerts answer at once (channel-test-outcome.test.ts waits).
    TEST_ALERT_WAIT_MS: '0',
    ...overrides,
  });

/** An API over the given test database with its own pool and Redis connection (closed by app.close()). */
export async function startApi(
  testDb: TestDatabase,
  options: {
    prefix?: string;
    env?: Record<string, string>;
    now?: Date;
    logger?: Logger;
    live?: LiveStreamOptions;
    probes?: { pollWaitMs?: number; recheckMs?: number };
  } = {},
): Promise<TestApi> {
  const mailbox = await startMailbox();
  const config = testEnv(testDb, options.prefix ?? uniqueQueuePrefix(), {
    SMTP_URL: mailbox.url,
    ...options.env,
  });
  const clock = new TestClock(options.now?.getTime());
  const logger = options.logger ?? createLogger('api-test', 'silent');
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, logger });
  const app = await buildApp({
    config,
    db: createDb({ connectionString: testDb.url, max: 5, applicationName: 'sentinelmesh-api-test' }),
    // As apps/api/src/main.ts connects: a request fails after two reconnect attempts.
    redis: connectRedis(config, { maxRetriesPerRequest: 2 }),
    logger,
    clock,
    ...(options.live ? { live: options.live } : {}),
    ...(options.probes ? { probes: options.probes } : {}),
    mailer: {
      send: mailer.send,
      close: async () => {
        await mailer.close();
        await mailbox.close();
      },
    },
  });
  await app.ready();
  return { app, config, clock, mailbox };
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

/** Follows the emailed verification link of `person`, as they would. */
export async function verifyEmailOf(api: TestApi, person: Session): Promise<void> {
  const token = await api.mailbox.token(person.email, '/verify-email');
  const res = await api.app.inject({ method: 'POST', url: '/v1/auth/verify-email', payload: { token } });
  if (res.statusCode !== 200) throw new Error(`verification failed: ${res.statusCode} ${res.body}`);
}

/**
 * A second person in `owner`'s organization with `role`, signed in there: they sign up, verify their
 * email, are invited, and accept the emailed invitation.
 */
export async function addMemberSession(api: TestApi, owner: Session, role: string): Promise<Session> {
  const person = await signupUser(api.app, `Elsewhere ${role}`);
  await verifyEmailOf(api, person);
  const token = await invite(api, owner, person.email, role);
  const res = await client(api.app, person.token).post(`/v1/invitations/${token}/accept`);
  if (res.statusCode !== 200) throw new Error(`accepting failed: ${res.statusCode} ${res.body}`);
  return { ...person, token: res.json().accessToken, orgId: owner.orgId, cookie: refreshCookie(res) ?? '' };
}

/** Invites `email` to `admin`'s organization and returns the token of the invitation emailed. */
export async function invite(api: TestApi, admin: Session, email: string, role: string): Promise<string> {
  const before = api.mailbox.linksTo(email, '/invitations/accept').length;
  const res = await client(api.app, admin.token).post('/v1/members', { email, role });
  if (res.statusCode !== 201) throw new Error(`inviting failed: ${res.statusCode} ${res.body}`);
  return api.mailbox.token(email, '/invitations/accept', before + 1);
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

/**
 * A test database for the calling file, and APIs over it each started with its own settings; all
 * closed after the file. Call at the top level of a test file.
 */
export function apisPerFile() {
  let testDb: TestDatabase | undefined;
  const apis: TestApi[] = [];
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    for (const api of apis) await api.app.close();
    await testDb?.drop();
  });
  const database = () => {
    if (!testDb) throw new Error('the test database is not ready yet');
    return testDb;
  };
  return {
    database,
    async apiWith(env: Record<string, string> = {}): Promise<TestApi> {
      const api = await startApi(database(), { env });
      apis.push(api);
      return api;
    },
  };
}

/**
 * Runs `fn` in a tenant transaction of its own, for tests that query as the tenant directly (the API
 * binds the request's one transaction in plugins/tenant.ts).
 */
export function withTenant<T>(
  db: Kysely<Database>,
  orgId: string,
  fn: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await bindTenant(tx, orgId);
    return fn(tx);
  });
}
