import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  invite,
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
  admin = await signupUser(api.app, 'Inviting Org');
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const mine = async (who: Session) => (await client(api.app, who.token).get('/v1/me/invitations')).json();

describe('invitations to me', () => {
  it('lists nothing while the address is unverified, then the pending invitations to it', async () => {
    const person = await signupUser(api.app, 'Own Org');
    await invite(api, admin, person.email, 'member');
    expect(await mine(person)).toEqual({ items: [], emailVerified: false });
    expectProblem(
      await client(api.app, person.token).post(
        `/v1/me/invitations/${'0'.repeat(8)}-0000-4000-8000-000000000000/accept`,
      ),
      403,
    );
    await verifyEmailOf(api, person);
    const listed = await mine(person);
    expect(listed.emailVerified).toBe(true);
    expect(listed.items).toEqual([
      expect.objectContaining({
        organization: { id: admin.orgId, name: 'Inviting Org' },
        role: 'member',
        invitedBy: admin.email,
      }),
    ]);
  });

  it('joins the organization as the signed-in user, keeping their own: a session there, then the switch back', async () => {
    const person = await signupUser(api.app, 'Home Org');
    await verifyEmailOf(api, person);
    await invite(api, admin, person.email, 'viewer');
    const [invitation] = (await mine(person)).items;
    const res = await client(api.app, person.token).post(`/v1/me/invitations/${invitation.id}/accept`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ organization: { id: admin.orgId }, role: 'viewer' });
    const me = (await client(api.app, res.json().accessToken).get('/v1/me')).json();
    expect(me.organizations.map((o: { id: string }) => o.id).sort()).toEqual(
      [admin.orgId, person.orgId].sort(),
    );
    // Used: gone from the list, and a second accept is a 404.
    expect((await mine(person)).items).toEqual([]);
    expectProblem(
      await client(api.app, person.token).post(`/v1/me/invitations/${invitation.id}/accept`),
      404,
    );
    const back = await client(api.app, res.json().accessToken).post('/v1/auth/switch', {
      organizationId: person.orgId,
    });
    expect(back.json().organization.id).toBe(person.orgId);
  });

  it("declines: the organization sees it revoked, its emailed link stops working, and nobody else's can be touched", async () => {
    const person = await signupUser(api.app, 'Declining Org');
    const stranger = await signupUser(api.app, 'Stranger Org');
    await verifyEmailOf(api, person);
    await verifyEmailOf(api, stranger);
    const token = await invite(api, admin, person.email, 'member');
    const [invitation] = (await mine(person)).items;
    // Another address's invitation is not there for them: 404, as if it did not exist.
    expectProblem(
      await client(api.app, stranger.token).post(`/v1/me/invitations/${invitation.id}/accept`),
      404,
    );
    expectProblem(
      await client(api.app, stranger.token).post(`/v1/me/invitations/${invitation.id}/decline`),
      404,
    );

    expect(
      (await client(api.app, person.token).post(`/v1/me/invitations/${invitation.id}/decline`)).statusCode,
    ).toBe(204);
    const sent = (await client(api.app, admin.token).get('/v1/invitations')).json().items;
    expect(sent.find((i: { id: string }) => i.id === invitation.id).status).toBe('revoked');
    expectProblem(await client(api.app, person.token).post(`/v1/invitations/${token}/accept`), 404);
    expect((await mine(person)).items).toEqual([]);
  });
});
