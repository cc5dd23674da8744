import { insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

const NOW = new Date('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let stranger: Session;
let monitorA: string;
let monitorB: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  owner = await signupUser(api.app, 'Status Inc');
  stranger = await signupUser(api.app, 'Stranger');
  const as = client(api.app, owner.token);
  monitorA = (await as.post('/v1/monitors', httpMonitor({ name: 'Checkout' }))).json().id;
  monitorB = (await as.post('/v1/monitors', httpMonitor({ name: 'Search' }))).json().id;
  // A existed for the whole 90 days; B since two days ago.
  await testDb.db
    .updateTable('monitors')
    .set({ created_at: new Date(NOW.getTime() - 200 * DAY) } as never)
    .where('id', '=', monitorA)
    .execute();
  await testDb.db
    .updateTable('monitors')
    .set({ created_at: new Date('2026-03-08T00:00:00Z') } as never)
    .where('id', '=', monitorB)
    .execute();
  await testDb.db
    .updateTable('monitor_state')
    .set({ status: 'down' })
    .where('monitor_id', '=', monitorB)
    .execute();
  await testDb.db
    .insertInto('incidents')
    .values({
      org_id: owner.orgId,
      monitor_id: monitorA,
      status: 'resolved',
      opened_at: new Date('2026-03-09T06:00:00Z'),
      resolved_at: new Date('2026-03-09T12:00:00Z'),
    })
    .execute();
  // Checks once an hour: A's from the first of the 90 days, B's since it exists.
  const hourly = (from: string) => {
    const start = Date.parse(from);
    return Array.from({ length: (NOW.getTime() - start) / HOUR }, (_, i) => ({
      scheduledAt: new Date(start + i * HOUR),
    }));
  };
  await insertResults(testDb.db, owner.orgId, monitorA, hourly('2025-12-11T00:00:00Z'));
  await insertResults(testDb.db, owner.orgId, monitorB, hourly('2026-03-08T00:00:00Z'));
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('status pages', () => {
  it('creates, lists, updates and deletes a page; members write, viewers read', async () => {
    const as = client(api.app, owner.token);
    const created = await as.post('/v1/status-pages', {
      slug: 'acme-status',
      title: 'Acme',
      monitorIds: [monitorB, monitorA],
    });
    expect(created.statusCode).toBe(201);
    const page = created.json();
    expect(page).toMatchObject({ slug: 'acme-status', title: 'Acme', monitorIds: [monitorB, monitorA] });
    expect((await as.get('/v1/status-pages')).json().items.map((p: { id: string }) => p.id)).toEqual([
      page.id,
    ]);
    const patched = await as.patch(`/v1/status-pages/${page.id}`, {
      title: 'Acme status',
      monitorIds: [monitorA, monitorB],
    });
    expect(patched.json()).toMatchObject({ title: 'Acme status', monitorIds: [monitorA, monitorB] });
  });

  it('PATCH changes only the fields given, with the rules of create, every problem at once', async () => {
    const as = client(api.app, owner.token);
    const page = (
      await as.post('/v1/status-pages', { slug: 'edit-me', title: 'Edit me', monitorIds: [monitorA] })
    ).json();
    const moved = await as.patch(`/v1/status-pages/${page.id}`, { slug: 'edited' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toEqual({ ...page, slug: 'edited', updatedAt: expect.any(String) });
    const invalid = expectProblem(
      await as.patch(`/v1/status-pages/${page.id}`, { slug: 'No Spaces', title: ' ', color: 'red' }),
      400,
    );
    expect(invalid.errors.map((e) => e.path).sort()).toEqual(['color', 'slug', 'title']);
    const taken = expectProblem(await as.patch(`/v1/status-pages/${page.id}`, { slug: 'acme-status' }), 409);
    expect(taken.errors).toEqual([{ path: 'slug', message: 'taken by another status page' }]);
    const foreign = (await client(api.app, stranger.token).post('/v1/monitors', httpMonitor())).json().id;
    const refused = expectProblem(
      await as.patch(`/v1/status-pages/${page.id}`, { monitorIds: [foreign] }),
      400,
    );
    expect(refused.errors).toEqual([{ path: 'monitorIds', message: `no such monitor: ${foreign}` }]);
    expect((await as.get(`/v1/status-pages/${page.id}`)).json()).toEqual(moved.json());
    expect((await as.delete(`/v1/status-pages/${page.id}`)).statusCode).toBe(204);
  });

  it('answers 409 for a slug another organization took, and 400 for a foreign monitor', async () => {
    expectProblem(
      await client(api.app, stranger.token).post('/v1/status-pages', { slug: 'acme-status', title: 'x' }),
      409,
    );
    const res = await client(api.app, stranger.token).post('/v1/status-pages', {
      slug: 'theirs',
      title: 'x',
      monitorIds: [monitorA],
    });
    expect(expectProblem(res, 400).errors[0]?.path).toBe('monitorIds');
  });

  it('hides a page from other organizations: 404 on read, write and delete', async () => {
    const page = (await client(api.app, owner.token).get('/v1/status-pages')).json().items[0];
    const them = client(api.app, stranger.token);
    expectProblem(await them.get(`/v1/status-pages/${page.id}`), 404);
    expectProblem(await them.patch(`/v1/status-pages/${page.id}`, { title: 'mine' }), 404);
    expectProblem(await them.delete(`/v1/status-pages/${page.id}`), 404);
    expect((await them.get('/v1/status-pages')).json().items).toEqual([]);
  });

  it('serves the public page without credentials: status and 90 daily uptimes per monitor', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/acme-status' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    const body = res.json();
    expect(body).toMatchObject({ slug: 'acme-status', title: 'Acme status', status: 'down' });
    const [a, b] = body.monitors;
    expect(a).toMatchObject({ id: monitorA, name: 'Checkout', status: 'pending' });
    expect(a.uptime90d).toHaveLength(90);
    expect(a.uptime90d[0]).toEqual({ date: '2025-12-11', uptimePercent: 100 });
    // 6 h down on 03-09: 75 %. Today so far (12 h) is clean.
    expect(a.uptime90d[88]).toEqual({ date: '2026-03-09', uptimePercent: 75 });
    expect(a.uptime90d[89]).toEqual({ date: '2026-03-10', uptimePercent: 100 });
    expect(b.uptime90d[86]).toEqual({ date: '2026-03-07', uptimePercent: null });
    expect(b.uptime90d[87]).toEqual({ date: '2026-03-08', uptimePercent: 100 });
    // The overall figure covers only time with data: A's 6 h down of 89.5 days; B's two and a half days.
    expect(a).toMatchObject({ uptimePercent: 99.7207, dataSince: '2025-12-11T00:00:00.000Z' });
    expect(b).toMatchObject({ uptimePercent: 100, dataSince: '2026-03-08T00:00:00.000Z' });
    expect(JSON.stringify(body)).not.toContain(owner.orgId);
  });

  it('shows a monitor without checks as no data, not as up', async () => {
    const as = client(api.app, owner.token);
    const fresh = (await as.post('/v1/monitors', httpMonitor({ name: 'Fresh' }))).json().id;
    const page = (
      await as.post('/v1/status-pages', { slug: 'fresh-status', title: 'Fresh', monitorIds: [fresh] })
    ).json();
    const res = await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/fresh-status' });
    await as.delete(`/v1/status-pages/${page.id}`);
    const [monitor] = res.json().monitors;
    expect(monitor).toMatchObject({ uptimePercent: null, dataSince: null });
    expect(monitor.uptime90d.every((d: { uptimePercent: number | null }) => d.uptimePercent === null)).toBe(
      true,
    );
  });

  it('answers 404 for an unknown slug', async () => {
    expectProblem(await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/nope' }), 404);
  });

  it('deletes a page, after which the public page is gone', async () => {
    const page = (await client(api.app, owner.token).get('/v1/status-pages')).json().items[0];
    expect((await client(api.app, owner.token).delete(`/v1/status-pages/${page.id}`)).statusCode).toBe(204);
    expectProblem(await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/acme-status' }), 404);
  });
});
