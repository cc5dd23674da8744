import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let as: ReturnType<typeof client>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Maintenance Org');
  as = client(api.app, owner.token);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function monitor(name = 'm') {
  const res = await as.post('/v1/monitors', httpMonitor({ name }));
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().id as string;
}

describe('maintenance windows', () => {
  it('creates a window over monitors and returns it with its status relative to now', async () => {
    const ids = [await monitor('a'), await monitor('b')];
    const now = Date.now();
    const res = await as.post('/v1/maintenance-windows', {
      name: 'DB upgrade',
      monitorIds: ids,
      startsAt: iso(now - hour),
      endsAt: iso(now + hour),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      name: 'DB upgrade',
      monitorIds: [...ids].sort(),
      startsAt: iso(now - hour),
      endsAt: iso(now + hour),
      status: 'active',
      createdAt: expect.any(String),
    });
    const row = await testDb.db
      .selectFrom('maintenance_windows')
      .select(['org_id', 'created_by'])
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ org_id: owner.orgId, created_by: owner.userId });
  });

  it('lists windows newest start first, filtered by monitor, and pages them', async () => {
    const only = await monitor('only');
    const now = Date.now();
    for (const [name, start] of [
      ['first', now + hour],
      ['second', now + 2 * hour],
      ['third', now + 3 * hour],
    ] as const) {
      await as.post('/v1/maintenance-windows', {
        name,
        monitorIds: [only],
        startsAt: iso(start),
        endsAt: iso(start + hour),
      });
    }
    const page = (await as.get(`/v1/maintenance-windows?monitorId=${only}&limit=2`)).json();
    expect(page.items.map((w: { name: string; status: string }) => [w.name, w.status])).toEqual([
      ['third', 'scheduled'],
      ['second', 'scheduled'],
    ]);
    const rest = (
      await as.get(`/v1/maintenance-windows?monitorId=${only}&limit=2&cursor=${page.nextCursor}`)
    ).json();
    expect(rest).toMatchObject({ items: [{ name: 'first' }], nextCursor: null });
  });

  it('deletes a window with 204, after which it is gone', async () => {
    const created = (
      await as.post('/v1/maintenance-windows', {
        name: 'short',
        monitorIds: [await monitor()],
        startsAt: iso(Date.now()),
        endsAt: iso(Date.now() + hour),
      })
    ).json();
    expect((await as.delete(`/v1/maintenance-windows/${created.id}`)).statusCode).toBe(204);
    expectProblem(await as.get(`/v1/maintenance-windows/${created.id}`), 404);
    expectProblem(await as.delete(`/v1/maintenance-windows/${created.id}`), 404);
  });

  it('refuses a window that ends before it starts, or over monitors that are not there', async () => {
    const id = await monitor();
    const backwards = expectProblem(
      await as.post('/v1/maintenance-windows', {
        name: 'x',
        monitorIds: [id],
        startsAt: iso(Date.now() + hour),
        endsAt: iso(Date.now()),
      }),
      400,
    );
    expect(backwards.errors).toEqual([{ path: 'endsAt', message: 'must be after startsAt' }]);
    const missing = expectProblem(
      await as.post('/v1/maintenance-windows', {
        name: 'x',
        monitorIds: [id, '00000000-0000-4000-8000-000000000000'],
        startsAt: iso(Date.now()),
        endsAt: iso(Date.now() + hour),
      }),
      400,
    );
    expect(missing.errors).toEqual([{ path: 'monitorIds.1', message: 'monitor not found' }]);
  });

  it('names only the malformed id when it stands beside monitors that exist', async () => {
    const id = await monitor();
    const problem = expectProblem(
      await as.post('/v1/maintenance-windows', {
        name: 'x',
        monitorIds: [id, 'not-a-monitor-id'],
        startsAt: iso(Date.now()),
        endsAt: iso(Date.now() + hour),
      }),
      400,
    );
    expect(problem.errors).toEqual([{ path: 'monitorIds.1', message: 'monitor not found' }]);
  });

  it("keeps organizations apart: another organization's monitors and windows are not found", async () => {
    const mine = await monitor();
    const created = (
      await as.post('/v1/maintenance-windows', {
        name: 'mine',
        monitorIds: [mine],
        startsAt: iso(Date.now()),
        endsAt: iso(Date.now() + hour),
      })
    ).json();
    const them = client(api.app, (await signupUser(api.app, 'Them')).token);
    expectProblem(await them.get(`/v1/maintenance-windows/${created.id}`), 404);
    expectProblem(await them.delete(`/v1/maintenance-windows/${created.id}`), 404);
    expect((await them.get('/v1/maintenance-windows')).json()).toEqual({ items: [], nextCursor: null });
    expectProblem(
      await them.post('/v1/maintenance-windows', {
        name: 'theirs',
        monitorIds: [mine],
        startsAt: iso(Date.now()),
        endsAt: iso(Date.now() + hour),
      }),
      400,
    );
  });

  it('needs authentication', async () => {
    expectProblem(await api.app.inject({ method: 'GET', url: '/v1/maintenance-windows' }), 401);
  });
});
