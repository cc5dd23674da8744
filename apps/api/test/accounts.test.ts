import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  invite,
  refreshCookie,
  type Session,
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

const post = (url: string, payload?: object, cookie?: string) =>
  api.app.inject({
    method: 'POST',
    url,
    ...(payload ? { payload } : {}),
    ...(cookie ? { cookies: { sm_refresh: cookie } } : {}),
  });
const login = (email: string, password: string, organizationId?: string) =>
  post('/v1/auth/login', { email, password, ...(organizationId ? { organizationId } : {}) });
const refresh = (cookie: string) => post('/v1/auth/refresh', undefined, cookie);
const signupAs = async (email: string, organizationName: string) => {
  const res = await post('/v1/auth/signup', { email, password: 'correct horse battery', organizationName });
  expect(res.statusCode).toBe(201);
  return res.json();
};
const invalidToken = 'urn:sentinelmesh:problem:invalid_token';

describe('the pre-registration attack', () => {
  it('never makes an account registered by someone else a member of the organization that invites its address', async () => {
    const victimAdmin = await signupUser(api.app, 'Victim Corp');
    // The attacker registers the victim's CTO address first; they do not read that mailbox.
    const attacker = await signupAs('CTO@victim.example', 'Attacker Ltd');
    expect(attacker.user.emailVerified).toBe(false);
    const attackerToken = attacker.accessToken as string;

    // The victim's admin invites the address: an invitation, not a membership.
    const invitation = await invite(api, victimAdmin, 'cto@victim.example', 'admin');
    const members = await client(api.app, victimAdmin.token).get('/v1/members');
    expect(members.json().items.map((m: { email: string }) => m.email)).toEqual([victimAdmin.email]);

    // Without the mailbox the attacker cannot verify the address ...
    expectProblem(await post('/v1/auth/verify-email', { token: 'A'.repeat(43) }), 400);
    // ... and even holding the invitation link, an unverified account cannot accept it.
    const accepted = await client(api.app, attackerToken).post(`/v1/invitations/${invitation}/accept`);
    expect(expectProblem(accepted, 403).detail).toMatch(/verify your email first/);

    expect(
      (await client(api.app, victimAdmin.token).get('/v1/members'))
        .json()
        .items.map((m: { email: string }) => m.email),
    ).toEqual([victimAdmin.email]);
    expectProblem(await login('cto@victim.example', 'correct horse battery', victimAdmin.orgId), 401);
    const memberships = await testDb.db
      .selectFrom('memberships')
      .select('org_id')
      .where('user_id', '=', attacker.user.id)
      .execute();
    expect(memberships.map((m) => m.org_id)).toEqual([attacker.organization.id]);

    // The real owner of the mailbox takes the account back by password reset, which signs the attacker
    // out everywhere, and then joins with the invitation.
    expect((await post('/v1/auth/password-reset', { email: 'cto@victim.example' })).statusCode).toBe(202);
    const reset = await api.mailbox.token('cto@victim.example', '/reset-password');
    expect(
      (await post('/v1/auth/password-reset/confirm', { token: reset, password: 'the real cto password' }))
        .statusCode,
    ).toBe(204);
    expectProblem(await client(api.app, attackerToken).get('/v1/me'), 401);
    expectProblem(await login('cto@victim.example', 'correct horse battery'), 401);
    const cto = (await login('cto@victim.example', 'the real cto password')).json();
    const joined = await client(api.app, cto.accessToken).post(`/v1/invitations/${invitation}/accept`);
    expect(joined.statusCode).toBe(200);
    expect(joined.json()).toMatchObject({ organization: { id: victimAdmin.orgId }, role: 'admin' });
  });
});

describe('answers that say nothing about which accounts exist', () => {
  it('invites an address with and without an account alike', async () => {
    const admin = await signupUser(api.app, 'Inviter');
    const existing = await signupUser(api.app, 'Existing');
    const as = client(api.app, admin.token);
    const a = await as.post('/v1/members', { email: existing.email, role: 'member' });
    const b = await as.post('/v1/members', { email: 'no-account-here@example.com', role: 'member' });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    const shape = (body: Record<string, unknown>) => ({
      ...body,
      id: 'id',
      email: 'email',
      createdAt: 't',
      expiresAt: 't',
    });
    expect(shape(a.json())).toEqual(shape(b.json()));
    expect(Object.keys(a.json()).sort()).toEqual(['createdAt', 'email', 'expiresAt', 'id', 'role', 'status']);
    await api.mailbox.token(existing.email, '/invitations/accept');
    await api.mailbox.token('no-account-here@example.com', '/invitations/accept');
  });

  it('answers a password reset request with 202 {} whether or not the account exists', async () => {
    const user = await signupUser(api.app);
    const unknown = await post('/v1/auth/password-reset', { email: 'nobody-at-all@example.com' });
    const known = await post('/v1/auth/password-reset', { email: user.email });
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    expect(known.body).toBe(unknown.body);
    expect(known.json()).toEqual({});
    expect(known.headers['content-type']).toBe(unknown.headers['content-type']);
    await api.mailbox.token(user.email, '/reset-password');
    expect(api.mailbox.mails.filter((m) => m.to.includes('nobody-at-all@example.com'))).toEqual([]);
  });

  it('limits reset and invitation emails per address, whoever asks', async () => {
    const limited = await startApi(testDb, { env: { MAIL_RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const ask = (email: string) =>
        limited.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } });
      expect((await ask('target@example.com')).statusCode).toBe(202);
      expect((await ask('TARGET@example.com')).statusCode).toBe(202);
      const third = await ask('target@example.com');
      expectProblem(third, 429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      expect((await ask('someone-else@example.com')).statusCode).toBe(202);

      // Invitations email the address too: the same budget per recipient, counted on its own.
      const admin = await signupUser(limited.app, 'Mail Bomber');
      const inviteTarget = () =>
        client(limited.app, admin.token).post('/v1/members', { email: 'target@example.com', role: 'viewer' });
      expect((await inviteTarget()).statusCode).toBe(201);
      expect((await inviteTarget()).statusCode).toBe(201);
      expectProblem(await inviteTarget(), 429);
    } finally {
      await limited.app.close();
    }
  });
});

describe('email verification', () => {
  it('verifies the address with the emailed link, once', async () => {
    const user = await signupUser(api.app);
    const token = await api.mailbox.token(user.email, '/verify-email');
    const link = api.mailbox.mails.find((m) => m.to.includes(user.email))?.text ?? '';
    expect(link).toContain(`${api.config.DASHBOARD_ORIGIN}/verify-email?token=${token}`);
    const res = await post('/v1/auth/verify-email', { token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: { id: user.userId, email: user.email, emailVerified: true } });
    expect((await client(api.app, user.token).get('/v1/me')).json().user.emailVerified).toBe(true);
    expect(expectProblem(await post('/v1/auth/verify-email', { token }), 400).type).toBe(invalidToken);
  });

  it('refuses a link older than 24 hours', async () => {
    const user = await signupUser(api.app);
    const token = await api.mailbox.token(user.email, '/verify-email');
    api.clock.advance(24 * 3600 * 1000 + 1000);
    try {
      expect(expectProblem(await post('/v1/auth/verify-email', { token }), 400).type).toBe(invalidToken);
    } finally {
      api.clock.offsetMs = 0;
    }
  });

  it('resends a new link that replaces the old one, and nothing once verified', async () => {
    const user = await signupUser(api.app);
    const first = await api.mailbox.token(user.email, '/verify-email');
    const resent = await client(api.app, user.token).post('/v1/auth/verify-email/resend');
    expect(resent.statusCode).toBe(202);
    expect(resent.json()).toEqual({});
    const second = await api.mailbox.token(user.email, '/verify-email', 2);
    expect(expectProblem(await post('/v1/auth/verify-email', { token: first }), 400).type).toBe(invalidToken);
    expect((await post('/v1/auth/verify-email', { token: second })).statusCode).toBe(200);
    expect((await client(api.app, user.token).post('/v1/auth/verify-email/resend')).statusCode).toBe(202);
    const issued = await testDb.db
      .selectFrom('user_tokens')
      .select('id')
      .where('user_id', '=', user.userId)
      .where('purpose', '=', 'verify_email')
      .execute();
    expect(issued).toHaveLength(2);
  });
});

/** A second, independent session of `user` (another device). */
async function secondSession(user: Session, password = user.password) {
  const res = await login(user.email, password);
  expect(res.statusCode).toBe(200);
  return { token: res.json().accessToken as string, cookie: refreshCookie(res) as string };
}

describe('password reset', () => {
  it('sets the password, verifies the email and ends every session, refresh and access tokens alike', async () => {
    const user = await signupUser(api.app);
    const other = await secondSession(user);
    await post('/v1/auth/password-reset', { email: user.email.toUpperCase() });
    const token = await api.mailbox.token(user.email, '/reset-password');
    const res = await post('/v1/auth/password-reset/confirm', { token, password: 'a new long password' });
    expect(res.statusCode).toBe(204);

    for (const session of [user, other]) {
      expectProblem(await client(api.app, session.token).get('/v1/me'), 401);
      expectProblem(await refresh(session.cookie), 401);
    }
    expectProblem(await login(user.email, user.password), 401);
    const fresh = await login(user.email, 'a new long password');
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().user.emailVerified).toBe(true);
    expect((await client(api.app, fresh.json().accessToken).get('/v1/me')).statusCode).toBe(200);

    const again = await post('/v1/auth/password-reset/confirm', { token, password: 'yet another password' });
    expect(expectProblem(again, 400).type).toBe(invalidToken);
  });

  it('refuses a link older than one hour, and a password shorter than 10 characters', async () => {
    const user = await signupUser(api.app);
    await post('/v1/auth/password-reset', { email: user.email });
    const token = await api.mailbox.token(user.email, '/reset-password');
    const short = await post('/v1/auth/password-reset/confirm', { token, password: 'short' });
    expect(expectProblem(short, 400).errors.map((e) => e.path)).toEqual(['password']);
    api.clock.advance(3600 * 1000 + 1000);
    try {
      const late = await post('/v1/auth/password-reset/confirm', { token, password: 'a new long password' });
      expect(expectProblem(late, 400).type).toBe(invalidToken);
    } finally {
      api.clock.offsetMs = 0;
    }
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });
});

describe('password change', () => {
  it('needs the current password, naming the field when it is wrong', async () => {
    const user = await signupUser(api.app);
    const res = await client(api.app, user.token).post('/v1/auth/password', {
      currentPassword: 'not my password',
      newPassword: 'a new long password',
    });
    expect(expectProblem(res, 400).errors.map((e) => e.path)).toEqual(['currentPassword']);
    expect((await client(api.app, user.token).get('/v1/me')).statusCode).toBe(200);
  });

  it('keeps the caller’s refresh session and ends every other session and every earlier access token', async () => {
    const user = await signupUser(api.app);
    const other = await secondSession(user);
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/password',
      headers: { authorization: `Bearer ${user.token}` },
      cookies: { sm_refresh: user.cookie },
      payload: { currentPassword: user.password, newPassword: 'a new long password' },
    });
    expect(res.statusCode).toBe(204);

    expectProblem(await client(api.app, user.token).get('/v1/me'), 401);
    expectProblem(await client(api.app, other.token).get('/v1/me'), 401);
    expectProblem(await refresh(other.cookie), 401);
    const mine = await refresh(user.cookie);
    expect(mine.statusCode).toBe(200);
    expect((await client(api.app, mine.json().accessToken).get('/v1/me')).statusCode).toBe(200);
    expectProblem(await login(user.email, user.password), 401);
    expect((await login(user.email, 'a new long password')).statusCode).toBe(200);
  });
});

describe('sign out everywhere', () => {
  it('revokes every refresh token and every access token already issued, and clears the cookie', async () => {
    const user = await signupUser(api.app);
    const other = await secondSession(user);
    const res = await client(api.app, user.token).post('/v1/auth/logout-all');
    expect(res.statusCode).toBe(204);
    const cleared = res.cookies.find((c) => c.name === 'sm_refresh');
    expect(cleared?.value).toBe('');
    for (const session of [user, other]) {
      expectProblem(await client(api.app, session.token).get('/v1/me'), 401);
      expectProblem(await refresh(session.cookie), 401);
    }
    const fresh = await secondSession(user);
    expect((await client(api.app, fresh.token).get('/v1/me')).statusCode).toBe(200);
  });
});
