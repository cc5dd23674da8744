import { createDb, type Db } from '@sentinelmesh/db';
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
  verifyEmailOf,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let admin: Session;
/** Reads what signup left behind, across organizations (the API's own role). */
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  db = createDb({ connectionString: testDb.url, max: 1 });
  admin = await signupUser(api.app, 'Hosting Org');
});

afterAll(async () => {
  await db?.destroy();
  await api?.app.close();
  await testDb?.drop();
});

const preview = (token: string) => api.app.inject({ method: 'GET', url: `/v1/invitations/${token}` });
const accept = (who: Session, token: string) =>
  client(api.app, who.token).post(`/v1/invitations/${token}/accept`);
const listed = async () =>
  (await client(api.app, admin.token).get('/v1/invitations')).json().items as Array<{
    id: string;
    email: string;
    status: string;
    invitedBy: { id: string; email: string } | null;
  }>;

async function signIn(who: Session): Promise<Session> {
  const res = await api.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: who.email, password: who.password, organizationId: who.orgId },
  });
  expect(res.statusCode).toBe(200);
  return { ...who, token: res.json().accessToken };
}

/** Someone with their own organization and a verified address. */
async function verifiedPerson(): Promise<Session> {
  const person = await signupUser(api.app, 'Their Own Org');
  await verifyEmailOf(api, person);
  return person;
}

describe('invitations', () => {
  it('shows what a token offers, and joins a verified invitee in a session of that organization', async () => {
    const person = await verifiedPerson();
    const token = await invite(api, admin, person.email, 'member');
    const link = api.mailbox.mails.find((m) => m.text.includes(token))?.text ?? '';
    expect(link).toContain(`${api.config.DASHBOARD_ORIGIN}/invitations/accept?token=${token}`);
    const shown = await preview(token);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({
      organization: { id: admin.orgId, name: 'Hosting Org' },
      email: person.email,
      role: 'member',
      expiresAt: expect.any(String),
    });

    const res = await accept(person, token);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      expiresIn: 900,
      user: { id: person.userId, email: person.email, emailVerified: true },
      organization: { id: admin.orgId, name: 'Hosting Org', slug: 'hosting-org' },
      role: 'member',
    });
    expect(refreshCookie(res)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = (await client(api.app, body.accessToken).get('/v1/me')).json();
    expect(me.organization.id).toBe(admin.orgId);
    expect(me.organizations.map((o: { id: string; role: string }) => [o.id, o.role])).toEqual([
      [person.orgId, 'owner'],
      [admin.orgId, 'member'],
    ]);
    const entry = (await listed()).find((i) => i.email === person.email);
    expect(entry).toMatchObject({ status: 'accepted', invitedBy: { id: admin.userId, email: admin.email } });
  });

  it('is single use: a second accept and a preview of a used token are 404', async () => {
    const person = await verifiedPerson();
    const token = await invite(api, admin, person.email, 'viewer');
    expect((await accept(person, token)).statusCode).toBe(200);
    expectProblem(await accept(person, token), 404);
    expectProblem(await preview(token), 404);
  });

  it('refuses an invitation for another address, even to a verified account', async () => {
    const person = await verifiedPerson();
    const token = await invite(api, admin, `someone-else-${person.userId}@example.com`, 'viewer');
    expect(expectProblem(await accept(person, token), 403).detail).toMatch(/another address/);
  });

  it('answers 409 to someone already a member, and keeps the invitation', async () => {
    const person = await verifiedPerson();
    const token = await invite(api, admin, person.email, 'viewer');
    await testDb.db
      .insertInto('memberships')
      .values({ org_id: admin.orgId, user_id: person.userId, role: 'viewer' })
      .execute();
    expectProblem(await accept(person, token), 409);
    expect((await preview(token)).statusCode).toBe(200);
  });

  it('revokes: the token stops working at once and the list says revoked', async () => {
    const person = await verifiedPerson();
    const token = await invite(api, admin, person.email, 'viewer');
    const id = (await listed()).find((i) => i.email === person.email)?.id as string;
    expect((await client(api.app, admin.token).delete(`/v1/invitations/${id}`)).statusCode).toBe(204);
    expectProblem(await preview(token), 404);
    expectProblem(await accept(person, token), 404);
    expect((await listed()).find((i) => i.id === id)?.status).toBe('revoked');
  });

  it('expires after 7 days', async () => {
    const person = await verifiedPerson();
    const token = await invite(api, admin, person.email, 'viewer');
    api.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    try {
      expectProblem(await preview(token), 404);
      // Access tokens last 15 minutes: a week later, people sign in again.
      const later = await signIn(person);
      expectProblem(await accept(later, token), 404);
      const entries = await client(api.app, (await signIn(admin)).token).get('/v1/invitations');
      const mine = entries.json().items.find((i: { email: string }) => i.email === person.email);
      expect(mine?.status).toBe('expired');
    } finally {
      api.clock.offsetMs = 0;
    }
  });

  it('replaces the pending invitation of an address invited again', async () => {
    const person = await verifiedPerson();
    const first = await invite(api, admin, person.email, 'viewer');
    const second = await invite(api, admin, person.email, 'admin');
    expectProblem(await preview(first), 404);
    expect((await preview(second)).json().role).toBe('admin');
    expect((await listed()).filter((i) => i.email === person.email).map((i) => i.status)).toEqual([
      'pending',
      'revoked',
    ]);
  });

  it('keeps one open invitation per address when admins invite it at the same moment', async () => {
    const as = client(api.app, admin.token);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => as.post('/v1/members', { email: 'raced@example.com', role: 'viewer' })),
    );
    const codes = answers.map((res) => res.statusCode);
    expect(
      codes.every((code) => code === 201 || code === 409),
      codes.join(),
    ).toBe(true);
    expect(codes).toContain(201);
    const statuses = (await listed()).filter((i) => i.email === 'raced@example.com').map((i) => i.status);
    expect(statuses.filter((status) => status === 'pending')).toHaveLength(1);
  });

  it('hides another organization’s invitations: not listed, revoking is a 404', async () => {
    const other = await signupUser(api.app, 'Other Org');
    await invite(api, admin, 'hidden-invitee@example.com', 'viewer');
    const id = (await listed()).find((i) => i.email === 'hidden-invitee@example.com')?.id as string;
    const asOther = client(api.app, other.token);
    expect((await asOther.get('/v1/invitations')).json().items).toEqual([]);
    expectProblem(await asOther.delete(`/v1/invitations/${id}`), 404);
    expect((await listed()).find((i) => i.id === id)?.status).toBe('pending');
  });
});

describe('signing up from an invitation', () => {
  const password = 'correct horse battery';
  const signup = (payload: object) => api.app.inject({ method: 'POST', url: '/v1/auth/signup', payload });
  let seq = 0;
  const newAddress = () => `invitee${++seq}-${Date.now()}@signup.example`;

  /** Everything a signup could have created: users, organizations, memberships; and the invitation's state. */
  async function footprint(invitationEmail?: string) {
    const count = async (table: 'users' | 'organizations' | 'memberships') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const invitation = invitationEmail
      ? await db
          .selectFrom('invitations')
          .select(['accepted_at', 'accepted_by'])
          .where('email', '=', invitationEmail)
          .orderBy('created_at', 'desc')
          .executeTakeFirst()
      : undefined;
    return {
      users: await count('users'),
      organizations: await count('organizations'),
      memberships: await count('memberships'),
      accepted: invitation?.accepted_at != null,
    };
  }

  it('joins the inviting organization with the invitation’s role, creates no organization, and counts the address as verified', async () => {
    const email = newAddress();
    const token = await invite(api, admin, email, 'member');
    const before = await footprint(email);
    const verifyLinksBefore = api.mailbox.linksTo(email, '/verify-email').length;

    const res = await signup({ email, password, invitationToken: token });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.organization.id).toBe(admin.orgId);
    expect(body.organization.name).toBe('Hosting Org');
    expect(body.user).toMatchObject({ email, emailVerified: true });
    expect(refreshCookie(res)).toBeTruthy();

    const after = await footprint(email);
    expect(after).toEqual({
      users: before.users + 1,
      organizations: before.organizations,
      memberships: before.memberships + 1,
      accepted: true,
    });
    const memberships = await db
      .selectFrom('memberships')
      .select(['org_id', 'role'])
      .where('user_id', '=', body.user.id)
      .execute();
    expect(memberships).toEqual([{ org_id: admin.orgId, role: 'member' }]);

    // The session acts in the inviting organization, and the user belongs to it alone.
    const me = await client(api.app, body.accessToken).get('/v1/me');
    expect(me.json()).toMatchObject({ organization: { id: admin.orgId }, role: 'member' });
    expect(me.json().organizations.map((o: { id: string }) => o.id)).toEqual([admin.orgId]);
    const listedHere = await listed();
    expect(listedHere.find((i) => i.email === email)?.status).toBe('accepted');
    // The link proved the mailbox: no verification email is sent.
    expect(api.mailbox.linksTo(email, '/verify-email')).toHaveLength(verifyLinksBefore);
    // Single use: the token is spent.
    expectProblem(await preview(token), 404);
  });

  it('refuses an unknown, used, revoked or expired token with 400 invalid_token and creates nothing', async () => {
    const used = newAddress();
    const usedToken = await invite(api, admin, used, 'viewer');
    expect((await signup({ email: used, password, invitationToken: usedToken })).statusCode).toBe(201);

    const revokedEmail = newAddress();
    const revokedToken = await invite(api, admin, revokedEmail, 'viewer');
    const revokedId = (await listed()).find((i) => i.email === revokedEmail)?.id;
    expect((await client(api.app, admin.token).delete(`/v1/invitations/${revokedId}`)).statusCode).toBe(204);

    const cases = [
      { email: newAddress(), token: 'not-a-real-invitation-token' },
      { email: newAddress(), token: usedToken },
      { email: revokedEmail, token: revokedToken },
    ];
    for (const attempt of cases) {
      const before = await footprint();
      const problem = expectProblem(
        await signup({ email: attempt.email, password, invitationToken: attempt.token }),
        400,
      );
      expect(problem.type).toBe('urn:sentinelmesh:problem:invalid_token');
      expect(problem.detail).toContain('invitation link is invalid, expired or already used');
      expect(await footprint()).toEqual(before);
    }

    const expiredEmail = newAddress();
    const expiredToken = await invite(api, admin, expiredEmail, 'viewer');
    api.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    try {
      const before = await footprint(expiredEmail);
      const problem = expectProblem(
        await signup({ email: expiredEmail, password, invitationToken: expiredToken }),
        400,
      );
      expect(problem.type).toBe('urn:sentinelmesh:problem:invalid_token');
      expect(await footprint(expiredEmail)).toEqual(before);
    } finally {
      api.clock.offsetMs = 0;
    }
  });

  it('refuses a token for another address with 403, creates nothing and leaves the invitation pending', async () => {
    const invited = newAddress();
    const token = await invite(api, admin, invited, 'member');
    const before = await footprint(invited);
    const problem = expectProblem(
      await signup({ email: newAddress(), password, invitationToken: token }),
      403,
    );
    expect(problem.detail).toContain('this invitation is for another address');
    expect(await footprint(invited)).toEqual(before);
    expect(before.accepted).toBe(false);
    // The rightful invitee can still use it.
    expect((await signup({ email: invited, password, invitationToken: token })).statusCode).toBe(201);
  });

  it('refuses a taken email with 409 and leaves the invitation pending', async () => {
    const person = await signupUser(api.app, 'Their Own Org');
    const token = await invite(api, admin, person.email, 'member');
    const before = await footprint(person.email);
    expectProblem(await signup({ email: person.email, password, invitationToken: token }), 409);
    expect(await footprint(person.email)).toEqual(before);
  });

  it('asks for exactly one of organizationName and invitationToken', async () => {
    const email = newAddress();
    const token = await invite(api, admin, email, 'member');
    const before = await footprint(email);
    const both = expectProblem(
      await signup({ email, password, organizationName: 'Mine', invitationToken: token }),
      400,
    );
    expect(both.errors.map((e) => e.path)).toEqual(['organizationName']);
    const neither = expectProblem(await signup({ email, password }), 400);
    expect(neither.errors.map((e) => e.path)).toEqual(['organizationName']);
    expect(await footprint(email)).toEqual(before);
  });
});
