import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { Writable } from 'node:stream';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { redactPaths } from '@sentinelmesh/platform';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiEnv } from '../src/env';
import { createPasswordHasher, OWASP_SCRYPT_LOG2_N } from '../src/services/passwords';
import {
  createTestDatabase,
  expectProblem,
  refreshCookie,
  signupUser,
  startApi,
  type TestApi,
  waitFor,
} from './helpers';

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

const DAY_MS = 24 * 3600 * 1000;
const minimalEnv = {
  DATABASE_URL: 'postgres://127.0.0.1/sentinelmesh',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'j'.repeat(32),
  SECRETS_KEY: randomBytes(32).toString('base64'),
};
const refresh = (cookie: string) =>
  api.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { sm_refresh: cookie } });

describe('refresh sessions', () => {
  it('end 30 days after login however often they are rotated', async () => {
    const user = await signupUser(api.app);
    try {
      let cookie = user.cookie;
      for (const day of [10, 20, 29]) {
        api.clock.offsetMs = day * DAY_MS;
        const res = await refresh(cookie);
        expect(res.statusCode, `day ${day}`).toBe(200);
        cookie = refreshCookie(res) as string;
        const maxAge = res.cookies.find((c) => c.name === 'sm_refresh')?.maxAge;
        expect(maxAge, `day ${day}`).toBe((30 - day) * 24 * 3600);
      }
      api.clock.offsetMs = 30 * DAY_MS + 1000;
      expect(expectProblem(await refresh(cookie), 401).detail).toMatch(/expired/);
    } finally {
      api.clock.offsetMs = 0;
    }
  });
});

describe('password hashing', () => {
  it('defaults to the OWASP scrypt parameters N=2^17, r=8, p=1, stored with the hash', async () => {
    expect(parseApiEnv(minimalEnv).PASSWORD_HASH_LOG2_N).toBe(17);
    expect(() => parseApiEnv({ ...minimalEnv, PASSWORD_HASH_LOG2_N: '9' })).toThrow(/PASSWORD_HASH_LOG2_N/);
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('a long password');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(await hasher.verify('a long password', hash)).toEqual({ ok: true, needsRehash: false });
  });

  it('rehashes a weaker stored hash at the next successful login, transparently', async () => {
    const user = await signupUser(api.app);
    const storedHash = async () =>
      (
        await testDb.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', user.userId)
          .executeTakeFirstOrThrow()
      ).password_hash;
    const weak = await storedHash();
    expect(weak).toMatch(/^scrypt\$1024\$8\$1\$/);
    const owasp = await startApi(testDb, { env: { PASSWORD_HASH_LOG2_N: String(OWASP_SCRYPT_LOG2_N) } });
    try {
      const login = (password: string) =>
        owasp.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password } });
      expectProblem(await login('not the password'), 401);
      expect(await storedHash()).toBe(weak);
      expect((await login(user.password)).statusCode).toBe(200);
      const upgraded = await storedHash();
      expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
      expect((await login(user.password)).statusCode).toBe(200);
      expect(await storedHash()).toBe(upgraded);
    } finally {
      await owasp.app.close();
    }
  });
});

describe('the refresh cookie', () => {
  it('is Secure by default in production, unless COOKIE_SECURE says otherwise', () => {
    expect(parseApiEnv(minimalEnv).COOKIE_SECURE).toBe(false);
    expect(parseApiEnv({ ...minimalEnv, NODE_ENV: 'production' }).COOKIE_SECURE).toBe(true);
    expect(parseApiEnv({ ...minimalEnv, NODE_ENV: 'production', COOKIE_SECURE: 'false' }).COOKIE_SECURE).toBe(
      false,
    );
    expect(parseApiEnv({ ...minimalEnv, COOKIE_SECURE: 'true' }).COOKIE_SECURE).toBe(true);
  });

  it('carries the Secure attribute when the setting is on', async () => {
    const secure = await startApi(testDb, { env: { NODE_ENV: 'production' } });
    try {
      const user = await signupUser(secure.app);
      const res = await secure.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: user.email, password: user.password },
      });
      expect(res.cookies.find((c) => c.name === 'sm_refresh')?.secure).toBe(true);
    } finally {
      await secure.app.close();
    }
  });
});

/** A logger like the apps' (same redaction) whose JSON lines the test reads. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info', redact: { paths: redactPaths, censor: '[redacted]' } }, sink);
  return { lines, logger };
}

describe('account emails', () => {
  it('without SMTP_URL: logs the link instead of mailing it, and keeps invitation tokens out of request logs', async () => {
    const { lines, logger } = capturedLogger();
    const local = await startApi(testDb, { env: { SMTP_URL: '' }, logger });
    try {
      expect(local.config.SMTP_URL).toBeUndefined();
      const admin = await signupUser(local.app, 'Local Org');
      const logged = lines.find((l) => l.msg === 'email not sent: no SMTP_URL' && l.to === admin.email);
      expect(logged).toMatchObject({ level: 30, subject: expect.stringMatching(/verify/i) });
      expect(String(logged?.link)).toMatch(
        /^http:\/\/localhost:3000\/verify-email\?token=[A-Za-z0-9_-]{43}$/,
      );

      await local.app.inject({
        method: 'POST',
        url: '/v1/members',
        headers: { authorization: `Bearer ${admin.token}` },
        payload: { email: 'local-invitee@example.com', role: 'viewer' },
      });
      const invitation = lines.find((l) => l.to === 'local-invitee@example.com');
      const token = new URL(String(invitation?.link)).searchParams.get('token') as string;
      expect((await local.app.inject({ method: 'GET', url: `/v1/invitations/${token}` })).statusCode).toBe(
        200,
      );
      const mentions = lines.filter((l) => JSON.stringify(l).includes(token));
      expect(mentions.map((l) => l.msg)).toEqual(['email not sent: no SMTP_URL']);
      expect(lines.some((l) => JSON.stringify(l).includes('/v1/invitations/[redacted]'))).toBe(true);
    } finally {
      await local.app.close();
    }
  });

  it('answers an invitation as usual when the mail server refuses, and logs the failure without the link', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { lines, logger } = capturedLogger();
    const broken = await startApi(testDb, { env: { SMTP_URL: `smtp://127.0.0.1:${port}` }, logger });
    try {
      const admin = await signupUser(broken.app, 'Broken Mail Org');
      const res = await broken.app.inject({
        method: 'POST',
        url: '/v1/members',
        headers: { authorization: `Bearer ${admin.token}` },
        payload: { email: 'unlucky@example.com', role: 'viewer' },
      });
      expect(res.statusCode).toBe(201);
      const failed = await waitFor(async () => {
        const found = lines.filter((l) => l.msg === 'account email failed');
        if (found.length < 2) throw new Error('not yet');
        return found;
      });
      expect(failed[0]).toMatchObject({ level: 50, code: 'ESOCKET' });
      expect(JSON.stringify(lines)).not.toMatch(/token=/);
    } finally {
      await broken.app.close();
    }
  });
});
