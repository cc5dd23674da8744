import { createHmac } from 'node:crypto';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRefreshToken } from '../src/services/refresh-tokens';
import {
  client,
  createTestDatabase,
  expectProblem,
  refreshCookie,
  signupUser,
  startApi,
  type TestApi,
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

const refresh = (cookie: string) =>
  api.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { sm_refresh: cookie } });

describe('signup', () => {
  it('creates a user who owns a new organization with a slug derived from its name', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/signup',
      payload: {
        email: 'Founder@Example.com',
        password: 'a long password',
        organizationName: 'Ünïcode Labs!',
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toEqual({ id: expect.any(String), email: 'founder@example.com', emailVerified: false });
    expect(body.organization).toEqual({
      id: expect.any(String),
      name: 'Ünïcode Labs!',
      slug: 'unicode-labs',
    });
    expect(body.expiresIn).toBe(900);
    const membership = await testDb.db
      .selectFrom('memberships')
      .selectAll()
      .where('user_id', '=', body.user.id)
      .executeTakeFirstOrThrow();
    expect(membership).toMatchObject({ org_id: body.organization.id, role: 'owner' });
  });

  it('makes the slug unique when another organization has the same name', async () => {
    const first = await signupUser(api.app, 'Same Name');
    const second = await signupUser(api.app, 'Same Name');
    const me1 = (await client(api.app, first.token).get('/v1/me')).json();
    const me2 = (await client(api.app, second.token).get('/v1/me')).json();
    expect(me1.organization.slug).toBe('same-name');
    expect(me2.organization.slug).toBe('same-name-2');
  });

  it('answers 409 when the email is already taken, whatever its case', async () => {
    const session = await signupUser(api.app);
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/signup',
      payload: {
        email: session.email.toUpperCase(),
        password: 'another password',
        organizationName: 'Other',
      },
    });
    expect(expectProblem(res, 409).type).toBe('urn:sentinelmesh:problem:conflict');
  });

  it('rejects passwords shorter than 10 characters, naming the field', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/signup',
      payload: { email: 'short@example.com', password: 'short', organizationName: 'X' },
    });
    expect(expectProblem(res, 400).errors).toEqual([
      { path: 'password', message: 'must be at least 10 characters' },
    ]);
  });

  it('answers 403 when the deployment disabled signup', async () => {
    const closed = await startApi(testDb, { env: { SIGNUP_ENABLED: 'false' } });
    try {
      const res = await closed.app.inject({
        method: 'POST',
        url: '/v1/auth/signup',
        payload: { email: 'nobody@example.com', password: 'a long password', organizationName: 'X' },
      });
      expect(expectProblem(res, 403).detail).toMatch(/signup is disabled/);
    } finally {
      await closed.app.close();
    }
  });
});

describe('login', () => {
  it('returns an access token, the user and organization, and an httpOnly refresh cookie', async () => {
    const session = await signupUser(api.app, 'Login Co');
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: session.email, password: session.password },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      expiresIn: 900,
      user: { id: session.userId, email: session.email, emailVerified: false },
      organization: { id: session.orgId, name: 'Login Co', slug: 'login-co' },
    });
    const cookie = res.cookies.find((c) => c.name === 'sm_refresh');
    expect(cookie).toMatchObject({ httpOnly: true, path: '/', sameSite: 'Lax', maxAge: 30 * 24 * 3600 });
    expect(cookie?.secure).toBeFalsy();
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers the same 401 for an unknown email and for a wrong password', async () => {
    const session = await signupUser(api.app);
    const wrongPassword = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: session.email, password: 'not the password' },
    });
    const unknownEmail = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'nobody-here@example.com', password: session.password },
    });
    expect(expectProblem(wrongPassword, 401)).toEqual(expectProblem(unknownEmail, 401));
    expect(wrongPassword.cookies).toEqual([]);
  });

  it('stores only a scrypt hash of the password, with its parameters', async () => {
    const session = await signupUser(api.app);
    const user = await testDb.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', session.userId)
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(
      new RegExp(`^scrypt\\$${2 ** api.config.PASSWORD_HASH_LOG2_N}\\$8\\$1\\$`),
    );
    expect(user.password_hash).not.toContain(session.password);
  });
});

describe('refresh tokens', () => {
  it('rotates: the new token works, the old one is revoked and replaced in the same family', async () => {
    const session = await signupUser(api.app);
    const res = await refresh(session.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accessToken: expect.any(String), expiresIn: 900 });
    const next = refreshCookie(res);
    expect(next).toBeDefined();
    expect(next).not.toBe(session.cookie);
    expect((await client(api.app, res.json().accessToken).get('/v1/me')).statusCode).toBe(200);

    const rows = await testDb.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('user_id', '=', session.userId)
      .execute();
    expect(rows).toHaveLength(2);
    const old = rows.find((r) => r.token_hash === hashRefreshToken(session.cookie));
    const fresh = rows.find((r) => r.token_hash === hashRefreshToken(next ?? ''));
    expect(old).toBeDefined();
    expect(fresh).toBeDefined();
    expect(old?.family_id).toBe(fresh?.family_id);
    expect(old?.revoked_at).not.toBeNull();
    expect(old?.replaced_by).toBe(fresh?.id);
    expect(fresh?.revoked_at).toBeNull();
    expect(rows.map((r) => r.token_hash)).not.toContain(session.cookie);
  });

  it('revokes the whole family when a rotated token is presented again', async () => {
    const session = await signupUser(api.app);
    const first = await refresh(session.cookie);
    const current = refreshCookie(first) ?? '';

    const reuse = await refresh(session.cookie);
    expect(expectProblem(reuse, 401).detail).toMatch(/reused/);
    // The legitimate newest token died with its family.
    expect(expectProblem(await refresh(current), 401).type).toBe('urn:sentinelmesh:problem:unauthenticated');
    const live = await testDb.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('user_id', '=', session.userId)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
  });

  it('answers 401 without a cookie, with an unknown token, and with an expired one', async () => {
    expectProblem(await api.app.inject({ method: 'POST', url: '/v1/auth/refresh' }), 401);
    expectProblem(await refresh('not-a-real-token'), 401);
    const session = await signupUser(api.app);
    api.clock.advance(31 * 24 * 3600 * 1000);
    try {
      expect(expectProblem(await refresh(session.cookie), 401).detail).toMatch(/expired/);
    } finally {
      api.clock.offsetMs = 0;
    }
  });
});

describe('logout', () => {
  it('answers 204, clears the cookie and revokes the refresh token', async () => {
    const session = await signupUser(api.app);
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      cookies: { sm_refresh: session.cookie },
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const cleared = res.cookies.find((c) => c.name === 'sm_refresh');
    expect(cleared?.value).toBe('');
    expectProblem(await refresh(session.cookie), 401);
  });
});

describe('access tokens and /v1/me', () => {
  it('returns the user, organization and role, and the organizations the user belongs to', async () => {
    const session = await signupUser(api.app, 'Me Corp');
    const res = await client(api.app, session.token).get('/v1/me');
    expect(res.statusCode).toBe(200);
    const organization = { id: session.orgId, name: 'Me Corp', slug: 'me-corp' };
    expect(res.json()).toEqual({
      user: { id: session.userId, email: session.email, emailVerified: false },
      organization,
      role: 'owner',
      organizations: [{ ...organization, role: 'owner' }],
    });
  });

  it('carries sub, org, role, iss and aud, signed with HS256', async () => {
    const session = await signupUser(api.app);
    const [header, payload] = session.token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'HS256' });
    expect(payload).toMatchObject({
      sub: session.userId,
      org: session.orgId,
      role: 'owner',
      iss: 'sentinelmesh',
      aud: 'sentinelmesh-api',
    });
    expect(payload.exp - payload.iat).toBe(900);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a malformed header', 'Token abc'],
    ['a garbage token', 'Bearer not.a.jwt'],
  ])('answers 401 problem+json with %s', async (_name, authorization) => {
    const res = await api.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: authorization ? { authorization } : {},
    });
    expect(expectProblem(res, 401).type).toBe('urn:sentinelmesh:problem:unauthenticated');
  });

  it('rejects an expired access token', async () => {
    const session = await signupUser(api.app);
    api.clock.advance(16 * 60 * 1000);
    try {
      expectProblem(await client(api.app, session.token).get('/v1/me'), 401);
    } finally {
      api.clock.offsetMs = 0;
    }
  });

  it('rejects tokens signed with another algorithm, key, issuer or audience', async () => {
    const session = await signupUser(api.app);
    const [, payloadPart] = session.token.split('.');
    const payload = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString());
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (claims: unknown, secret: string, alg = 'HS256') => {
      const head = `${encode({ alg, typ: 'JWT' })}.${encode(claims)}`;
      const mac = alg === 'none' ? '' : createHmac('sha256', secret).update(head).digest('base64url');
      return `${head}.${mac}`;
    };
    const secret = api.config.JWT_SECRET;
    const forged = [
      sign(payload, 'some other secret that is long enough'),
      sign(payload, secret, 'none'),
      sign({ ...payload, iss: 'someone-else' }, secret),
      sign({ ...payload, aud: 'another-api' }, secret),
    ];
    expect((await client(api.app, sign(payload, secret)).get('/v1/me')).statusCode).toBe(200);
    for (const token of forged) expectProblem(await client(api.app, token).get('/v1/me'), 401);
  });

  it('stops accepting a token once the membership is gone', async () => {
    const session = await signupUser(api.app);
    await testDb.db.deleteFrom('memberships').where('user_id', '=', session.userId).execute();
    expectProblem(await client(api.app, session.token).get('/v1/me'), 401);
  });
});
