import { createHash } from 'node:crypto';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMemberSession,
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  invite,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  verifyEmailOf,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Keys Inc');
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('members', () => {
  it('invites, and after acceptance lists the member, changes the role and removes it', async () => {
    const person = await signupUser(api.app, 'Other');
    await verifyEmailOf(api, person);
    const as = client(api.app, owner.token);
    const token = await invite(api, owner, person.email.toUpperCase(), 'viewer');
    // Not a member until they accept.
    expect((await as.get('/v1/members')).json().items).toHaveLength(1);
    const accepted = await client(api.app, person.token).post(`/v1/invitations/${token}/accept`);
    expect(accepted.statusCode).toBe(200);

    const list = (await as.get('/v1/members')).json();
    expect(list.items.map((m: { userId: string }) => m.userId)).toEqual([owner.userId, person.userId]);
    expect(list.items[1]).toMatchObject({ email: person.email, role: 'viewer' });

    const changed = await as.patch(`/v1/members/${person.userId}`, { role: 'member' });
    expect(changed.json()).toMatchObject({ role: 'member' });

    expect((await as.delete(`/v1/members/${person.userId}`)).statusCode).toBe(204);
    expect((await as.get('/v1/members')).json().items).toHaveLength(1);
  });

  it('answers 409 for an address that is a member already', async () => {
    const as = client(api.app, owner.token);
    expectProblem(await as.post('/v1/members', { email: owner.email.toUpperCase(), role: 'viewer' }), 409);
  });

  it('ends a removed member’s access at once, with the token they still hold', async () => {
    const member = await addMemberSession(api, owner, 'member');
    expect((await client(api.app, member.token).get('/v1/monitors')).statusCode).toBe(200);
    await client(api.app, owner.token).delete(`/v1/members/${member.userId}`);
    expectProblem(await client(api.app, member.token).get('/v1/monitors'), 401);
  });

  it('keeps the last owner: demoting or removing them is a 409', async () => {
    const as = client(api.app, owner.token);
    expectProblem(await as.patch(`/v1/members/${owner.userId}`, { role: 'admin' }), 409);
    expectProblem(await as.delete(`/v1/members/${owner.userId}`), 409);
  });

  it('lets only an owner grant or touch the owner role', async () => {
    const admin = await addMemberSession(api, owner, 'admin');
    const person = await signupUser(api.app, 'Someone');
    const asAdmin = client(api.app, admin.token);
    expectProblem(await asAdmin.post('/v1/members', { email: person.email, role: 'owner' }), 403);
    expectProblem(await asAdmin.patch(`/v1/members/${owner.userId}`, { role: 'viewer' }), 403);
    expectProblem(await asAdmin.delete(`/v1/members/${owner.userId}`), 403);
    expect((await asAdmin.post('/v1/members', { email: person.email, role: 'member' })).statusCode).toBe(201);
  });
});

describe('API keys', () => {
  it('shows a recognisable 256-bit key once and stores only its SHA-256', async () => {
    const res = await client(api.app, owner.token).post('/v1/api-keys', { name: 'CI', role: 'member' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body.key).toMatch(/^sm_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(body.key.slice(3), 'base64url')).toHaveLength(32);
    expect(body).toMatchObject({ name: 'CI', role: 'member', keyHint: body.key.slice(-4) });

    const row = await testDb.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(createHash('sha256').update(body.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(body.key);

    const list = (await client(api.app, owner.token).get('/v1/api-keys')).json();
    const listed = list.items.find((k: { id: string }) => k.id === body.id);
    expect(listed).toBeDefined();
    expect(listed.key).toBeUndefined();
  });

  it('authenticates like a token with the key’s role, on every route', async () => {
    const viewerKey = (
      await client(api.app, owner.token).post('/v1/api-keys', { name: 'read', role: 'viewer' })
    ).json().key;
    const memberKey = (
      await client(api.app, owner.token).post('/v1/api-keys', { name: 'write', role: 'member' })
    ).json().key;
    const me = (await client(api.app, viewerKey).get('/v1/me')).json();
    expect(me).toMatchObject({
      role: 'viewer',
      organization: { id: owner.orgId },
      user: { id: owner.userId },
    });
    expect((await client(api.app, viewerKey).get('/v1/monitors')).statusCode).toBe(200);
    expectProblem(await client(api.app, viewerKey).post('/v1/monitors', httpMonitor()), 403);
    expect((await client(api.app, memberKey).post('/v1/monitors', httpMonitor())).statusCode).toBe(201);
    expectProblem(await client(api.app, memberKey).post('/v1/api-keys', { name: 'x', role: 'viewer' }), 403);
  });

  it('revokes a key at once: the very next request with it is a 401', async () => {
    const created = (
      await client(api.app, owner.token).post('/v1/api-keys', { name: 'tmp', role: 'admin' })
    ).json();
    expect((await client(api.app, created.key).get('/v1/monitors')).statusCode).toBe(200);
    expect((await client(api.app, owner.token).delete(`/v1/api-keys/${created.id}`)).statusCode).toBe(204);
    const problem = expectProblem(await client(api.app, created.key).get('/v1/monitors'), 401);
    expect(problem.type).toBe('urn:sentinelmesh:problem:unauthenticated');
    expectProblem(await client(api.app, owner.token).delete(`/v1/api-keys/${created.id}`), 404);
  });

  it('refuses unknown, malformed and near-miss keys with 401', async () => {
    const real = (
      await client(api.app, owner.token).post('/v1/api-keys', { name: 'k', role: 'viewer' })
    ).json().key;
    const flipped = `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`;
    for (const key of [flipped, 'sm_short', `sm_${'A'.repeat(43)}`, `${real}x`]) {
      expectProblem(await client(api.app, key).get('/v1/monitors'), 401);
    }
  });

  it('never creates a key above the creator’s role, and a key loses power with its creator', async () => {
    const admin = await addMemberSession(api, owner, 'admin');
    expectProblem(await client(api.app, admin.token).post('/v1/api-keys', { name: 'x', role: 'owner' }), 403);
    const key = (await client(api.app, admin.token).post('/v1/api-keys', { name: 'x', role: 'admin' })).json()
      .key;
    await client(api.app, owner.token).patch(`/v1/members/${admin.userId}`, { role: 'viewer' });
    expect((await client(api.app, key).get('/v1/me')).json().role).toBe('viewer');
    expectProblem(await client(api.app, key).post('/v1/monitors', httpMonitor()), 403);
    await client(api.app, owner.token).delete(`/v1/members/${admin.userId}`);
    expectProblem(await client(api.app, key).get('/v1/monitors'), 401);
  });

  it('pages members and keys with limit and cursor, each exactly once', async () => {
    const org = await signupUser(api.app, 'Paged');
    const as = client(api.app, org.token);
    for (let i = 0; i < 5; i++) await as.post('/v1/api-keys', { name: `k${i}`, role: 'viewer' });
    for (let i = 0; i < 2; i++) await addMemberSession(api, org, 'viewer');
    for (let i = 0; i < 3; i++)
      await as.post('/v1/members', { email: `pending${i}@example.com`, role: 'viewer' });
    for (const [url, total] of [
      ['/v1/api-keys', 5],
      ['/v1/members', 3],
      ['/v1/invitations', 5],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id?: string; userId?: string }>; nextCursor: string | null } = (
          await as.get(`${url}?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((item) => item.id ?? item.userId ?? ''));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, url).toBe(total);
      expect(seen, url).toHaveLength(total);
    }
    expect((await as.get('/v1/members?limit=1')).json().items[0].userId).toBe(org.userId);
  });

  it('hides another organization’s keys: listing skips them, revoking is a 404', async () => {
    const stranger = await signupUser(api.app, 'Stranger');
    const theirs = (
      await client(api.app, stranger.token).post('/v1/api-keys', { name: 's', role: 'viewer' })
    ).json();
    const mine = (await client(api.app, owner.token).get('/v1/api-keys')).json();
    expect(mine.items.some((k: { id: string }) => k.id === theirs.id)).toBe(false);
    expectProblem(await client(api.app, owner.token).delete(`/v1/api-keys/${theirs.id}`), 404);
    expect((await client(api.app, theirs.key).get('/v1/monitors')).statusCode).toBe(200);
  });
});
