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

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  admin = await signupUser(api.app, 'Hosting Org');
});

afterAll(async () => {
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
