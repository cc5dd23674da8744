import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
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
      recurrence: null,
      nextOccurrences: [{ startsAt: iso(now - hour), endsAt: iso(now + hour) }],
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      key: null,
      managed: false,
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
    expect(backwards.errors).toEqual([{ path: 'endsAt', message: 'must be after the start' }]);
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

  describe('PATCH', () => {
    async function window(monitorIds: string[], name = 'Upgrade') {
      const start = Date.now() + hour;
      const res = await as.post('/v1/maintenance-windows', {
        name,
        monitorIds,
        startsAt: iso(start),
        endsAt: iso(start + hour),
      });
      if (res.statusCode !== 201) throw new Error(res.body);
      return res.json();
    }

    it('changes only the fields given and keeps the rest', async () => {
      const [a, b] = [await monitor('a'), await monitor('b')];
      const created = await window([a]);
      const renamed = await as.patch(`/v1/maintenance-windows/${created.id}`, { name: 'Bigger upgrade' });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toEqual({ ...created, name: 'Bigger upgrade', updatedAt: expect.any(String) });
      // Compared in the database, to the microsecond: two transactions never share now().
      const row = await testDb.db
        .selectFrom('maintenance_windows')
        .select(sql<boolean>`updated_at > created_at`.as('moved'))
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(row.moved).toBe(true);

      const endsAt = iso(Date.parse(created.endsAt) + hour);
      const moved = (
        await as.patch(`/v1/maintenance-windows/${created.id}`, { endsAt, monitorIds: [b, a, b] })
      ).json();
      expect(moved).toMatchObject({
        name: 'Bigger upgrade',
        startsAt: created.startsAt,
        endsAt,
        monitorIds: [a, b].sort(),
      });
      expect((await as.get(`/v1/maintenance-windows/${created.id}`)).json()).toEqual(moved);
    });

    it('starting it now makes it active at once', async () => {
      const created = await window([await monitor()]);
      expect(created.status).toBe('scheduled');
      const started = await as.patch(`/v1/maintenance-windows/${created.id}`, { startsAt: iso(Date.now()) });
      expect(started.json().status).toBe('active');
    });

    it('judges the window it leaves: a new start after the stored end is refused, nothing changes', async () => {
      const created = await window([await monitor()]);
      const late = expectProblem(
        await as.patch(`/v1/maintenance-windows/${created.id}`, {
          startsAt: iso(Date.parse(created.endsAt) + hour),
        }),
        400,
      );
      expect(late.errors).toEqual([{ path: 'endsAt', message: 'must be after the start' }]);
      const long = expectProblem(
        await as.patch(`/v1/maintenance-windows/${created.id}`, {
          endsAt: iso(Date.parse(created.startsAt) + 32 * 24 * hour),
        }),
        400,
      );
      expect(long.errors).toEqual([{ path: 'endsAt', message: 'a window lasts at most 31 days' }]);
      expect((await as.get(`/v1/maintenance-windows/${created.id}`)).json()).toEqual(created);
    });

    it('reports every problem at once, with the same rules as create', async () => {
      const created = await window([await monitor()]);
      const shape = expectProblem(
        await as.patch(`/v1/maintenance-windows/${created.id}`, {
          name: ' ',
          monitorIds: [],
          startsAt: iso(Date.now() + hour),
          endsAt: iso(Date.now()),
          extra: true,
        }),
        400,
      );
      expect(shape.errors.map((e) => e.path).sort()).toEqual(['endsAt', 'extra', 'monitorIds', 'name']);
      const semantic = expectProblem(
        await as.patch(`/v1/maintenance-windows/${created.id}`, {
          monitorIds: ['00000000-0000-4000-8000-000000000000'],
          endsAt: iso(Date.parse(created.startsAt) - hour),
        }),
        400,
      );
      expect(semantic.errors).toEqual([
        { path: 'monitorIds.0', message: 'monitor not found' },
        { path: 'endsAt', message: 'must be after the start' },
      ]);
    });

    it("keeps organizations apart: another organization's window is 404, its monitors are not found", async () => {
      const mine = await window([await monitor()], 'mine');
      const other = await signupUser(api.app, 'Patch Them');
      const them = client(api.app, other.token);
      expectProblem(await them.patch(`/v1/maintenance-windows/${mine.id}`, { name: 'taken' }), 404);
      expect((await as.get(`/v1/maintenance-windows/${mine.id}`)).json().name).toBe('mine');
      const theirMonitor = (await them.post('/v1/monitors', httpMonitor())).json().id;
      const foreign = expectProblem(
        await as.patch(`/v1/maintenance-windows/${mine.id}`, { monitorIds: [theirMonitor] }),
        400,
      );
      expect(foreign.errors).toEqual([{ path: 'monitorIds.0', message: 'monitor not found' }]);
    });

    it('needs the member role', async () => {
      const created = await window([await monitor()]);
      const viewerKey = (await as.post('/v1/api-keys', { name: 'read', role: 'viewer' })).json().key;
      const viewer = client(api.app, viewerKey);
      expectProblem(await viewer.patch(`/v1/maintenance-windows/${created.id}`, { name: 'no' }), 403);
    });
  });

  it('needs authentication', async () => {
    expectProblem(await api.app.inject({ method: 'GET', url: '/v1/maintenance-windows' }), 401);
  });
});
