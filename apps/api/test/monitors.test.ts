import { monitorChangeSchema, monitorChangesChannel } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../src/services/passwords';
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
const prefix = uniqueQueuePrefix();

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { prefix });
  owner = await signupUser(api.app, 'Monitor Org');
  as = client(api.app, owner.token);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

async function create(body: Record<string, unknown>, session = as) {
  const res = await session.post('/v1/monitors', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

describe('creating monitors', () => {
  it('fills in every default and the deployment regions, and starts pending', async () => {
    const res = await as.post('/v1/monitors', httpMonitor());
    expect(res.statusCode).toBe(201);
    const monitor = res.json();
    expect(monitor).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'http',
      name: 'Checkout API',
      url: 'https://shop.example.com/health',
      method: 'GET',
      headers: {},
      body: null,
      followRedirects: true,
      intervalSeconds: 60,
      timeoutMs: 10_000,
      assertions: [{ source: 'status', op: 'between', value: [200, 399] }],
      regions: ['local', 'eu-west'],
      failureThreshold: 2,
      recoveryThreshold: 2,
      retryIntervalSeconds: 5,
      channelIds: [],
      escalationPolicyId: null,
      tags: [],
      paused: false,
      groupId: null,
      dependsOn: { monitorIds: [], groupIds: [] },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      key: null,
      managed: false,
      state: {
        status: 'pending',
        since: expect.any(String),
        lastCheckedAt: null,
        lastLatencyMs: null,
        lastError: null,
      },
    });
    expect(new Date(monitor.createdAt).toISOString()).toBe(monitor.createdAt);
  });

  it('stores the config without channel links and a monitor_state row in the same write', async () => {
    const monitor = await create(httpMonitor({ tags: ['prod'] }));
    const row = await testDb.db
      .selectFrom('monitors')
      .selectAll()
      .where('id', '=', monitor.id)
      .executeTakeFirstOrThrow();
    expect(row.org_id).toBe(owner.orgId);
    expect(row.config).not.toHaveProperty('channelIds');
    expect(row.config).toMatchObject({ type: 'http', tags: ['prod'], regions: ['local', 'eu-west'] });
    const state = await testDb.db
      .selectFrom('monitor_state')
      .selectAll()
      .where('monitor_id', '=', monitor.id)
      .executeTakeFirstOrThrow();
    expect(state).toMatchObject({ org_id: owner.orgId, status: 'pending', last_error: null });
  });

  it('creates tcp monitors with host and port', async () => {
    const monitor = await create({
      type: 'tcp',
      name: 'Postgres',
      host: 'db.example.com',
      port: 5432,
      regions: ['eu-west'],
    });
    expect(monitor).toMatchObject({ type: 'tcp', host: 'db.example.com', port: 5432, regions: ['eu-west'] });
    expect(monitor).not.toHaveProperty('url');
  });

  it('starts a paused monitor in the paused state', async () => {
    const monitor = await create(httpMonitor({ paused: true }));
    expect(monitor.state.status).toBe('paused');
  });

  it('rejects regions this deployment does not run, naming regions', async () => {
    const problem = expectProblem(
      await as.post('/v1/monitors', httpMonitor({ regions: ['local', 'mars-1'] })),
      400,
    );
    expect(problem.errors).toEqual([{ path: 'regions', message: expect.stringContaining('mars-1') }]);
  });

  it('rejects intervals below the deployment minimum, naming intervalSeconds', async () => {
    const strict = await startApi(testDb, { env: { MIN_INTERVAL_SECONDS: '30' } });
    try {
      const res = await client(strict.app, owner.token).post(
        '/v1/monitors',
        httpMonitor({ intervalSeconds: 10, timeoutMs: 5000 }),
      );
      expect(expectProblem(res, 400).errors).toEqual([
        { path: 'intervalSeconds', message: 'must be at least 30 on this deployment' },
      ]);
    } finally {
      await strict.app.close();
    }
  });

  it('links channels of the same organization and rejects unknown or foreign ones', async () => {
    const channel = (
      await as.post('/v1/channels', {
        type: 'webhook',
        name: 'ops',
        config: { url: 'https://hooks.example.com/x' },
      })
    ).json();
    const other = await signupUser(api.app, 'Other Org');
    const foreign = (
      await client(api.app, other.token).post('/v1/channels', {
        type: 'webhook',
        name: 'theirs',
        config: { url: 'https://hooks.example.com/y' },
      })
    ).json();

    const monitor = await create(httpMonitor({ channelIds: [channel.id] }));
    expect(monitor.channelIds).toEqual([channel.id]);

    for (const ids of [[foreign.id], ['00000000-0000-4000-8000-000000000000'], ['not-a-uuid']]) {
      const problem = expectProblem(await as.post('/v1/monitors', httpMonitor({ channelIds: ids })), 400);
      expect(problem.errors.map((e) => e.path)).toEqual(['channelIds']);
    }
  });

  it('publishes a MonitorChange on the Redis channel after the write', async () => {
    const subscriber: Redis = createRedis(testRedisUrl());
    try {
      const messages: unknown[] = [];
      subscriber.on('message', (_channel, message) => messages.push(JSON.parse(message)));
      await subscriber.subscribe(monitorChangesChannel(prefix));
      const monitor = await create(httpMonitor());
      await expect
        .poll(() => messages, { timeout: 5000 })
        .toContainEqual(expect.objectContaining({ op: 'upsert', orgId: owner.orgId, monitorId: monitor.id }));
      expect(monitorChangeSchema.safeParse(messages[0]).success).toBe(true);
      await as.delete(`/v1/monitors/${monitor.id}`);
      await expect
        .poll(() => messages, { timeout: 5000 })
        .toContainEqual(expect.objectContaining({ op: 'delete', orgId: owner.orgId, monitorId: monitor.id }));
    } finally {
      await subscriber.quit();
    }
  });
});

describe('reading, updating and deleting monitors', () => {
  it('gets a monitor by id, and answers 404 for unknown and malformed ids', async () => {
    const monitor = await create(httpMonitor({ name: 'Get me' }));
    const res = await as.get(`/v1/monitors/${monitor.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(monitor);
    expectProblem(await as.get('/v1/monitors/00000000-0000-4000-8000-000000000000'), 404);
    expectProblem(await as.get('/v1/monitors/not-a-uuid'), 404);
    expectProblem(await as.get("/v1/monitors/1'%20OR%201=1"), 404);
  });

  it('merges a PATCH with the stored config and keeps every other field', async () => {
    const monitor = await create(httpMonitor({ tags: ['a'], headers: { accept: 'text/plain' } }));
    const res = await as.patch(`/v1/monitors/${monitor.id}`, { name: 'Renamed', intervalSeconds: 30 });
    expect(res.statusCode).toBe(200);
    const patched = res.json();
    expect(patched).toEqual({
      ...monitor,
      name: 'Renamed',
      intervalSeconds: 30,
      updatedAt: expect.any(String),
      state: { ...monitor.state },
    });
    const stored = await testDb.db
      .selectFrom('monitors')
      .select(['name', 'interval_seconds'])
      .where('id', '=', monitor.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ name: 'Renamed', interval_seconds: 30 });
  });

  it('validates the merged monitor as a whole', async () => {
    const monitor = await create(httpMonitor({ timeoutMs: 8000 }));
    // A chosen timeout stays as chosen, so it must stay below the new interval.
    const problem = expectProblem(await as.patch(`/v1/monitors/${monitor.id}`, { intervalSeconds: 5 }), 400);
    expect(problem.errors).toEqual([{ path: 'timeoutMs', message: 'must be shorter than the interval' }]);
    const ok = await as.patch(`/v1/monitors/${monitor.id}`, { intervalSeconds: 5, timeoutMs: 2000 });
    expect(ok.json()).toMatchObject({ intervalSeconds: 5, timeoutMs: 2000 });
  });

  it('keeps a timeout nobody chose following the interval, and a chosen one as it is', async () => {
    const defaulted = await create(httpMonitor());
    expect(defaulted.timeoutMs).toBe(10_000);
    const shorter = await as.patch(`/v1/monitors/${defaulted.id}`, { intervalSeconds: 5 });
    expect(shorter.json()).toMatchObject({ intervalSeconds: 5, timeoutMs: 4000 });
    const longer = await as.patch(`/v1/monitors/${defaulted.id}`, { intervalSeconds: 120 });
    expect(longer.json()).toMatchObject({ intervalSeconds: 120, timeoutMs: 10_000 });

    const chosen = await create(httpMonitor({ timeoutMs: 3000 }));
    const patched = await as.patch(`/v1/monitors/${chosen.id}`, { intervalSeconds: 10 });
    expect(patched.json()).toMatchObject({ intervalSeconds: 10, timeoutMs: 3000 });
  });

  it('reports every problem of a patch at once', async () => {
    const monitor = await create(httpMonitor());
    const shape = expectProblem(
      await as.patch(`/v1/monitors/${monitor.id}`, { name: '', intervalSeconds: 5, timeoutMs: 9000 }),
      400,
    );
    expect(shape.errors.map((e) => e.path).sort()).toEqual(['name', 'timeoutMs']);
    const merged = expectProblem(
      await as.patch(`/v1/monitors/${monitor.id}`, { type: 'tcp', host: 'x', timeoutMs: 70_000 }),
      400,
    );
    expect(merged.errors.map((e) => e.path).sort()).toEqual(['host', 'timeoutMs', 'type']);
  });

  it('refuses to change the type or to take fields of the other type', async () => {
    const monitor = await create(httpMonitor());
    const typeChange = expectProblem(await as.patch(`/v1/monitors/${monitor.id}`, { type: 'tcp' }), 400);
    expect(typeChange.errors.map((e) => e.path)).toEqual(['type']);
    const foreign = expectProblem(await as.patch(`/v1/monitors/${monitor.id}`, { host: 'x', port: 1 }), 400);
    expect(foreign.errors.map((e) => e.path)).toEqual(['host', 'port']);
    expect((await as.patch(`/v1/monitors/${monitor.id}`, { type: 'http' })).statusCode).toBe(200);
  });

  it('pauses (state paused) and resumes (state pending) through PATCH', async () => {
    const monitor = await create(httpMonitor());
    const paused = (await as.patch(`/v1/monitors/${monitor.id}`, { paused: true })).json();
    expect(paused).toMatchObject({ paused: true, state: { status: 'paused' } });
    const resumed = (await as.patch(`/v1/monitors/${monitor.id}`, { paused: false })).json();
    expect(resumed).toMatchObject({ paused: false, state: { status: 'pending' } });
  });

  it('replaces channel links with PATCH channelIds', async () => {
    const channel = (
      await as.post('/v1/channels', { type: 'webhook', name: 'c', config: { url: 'https://h.example.com' } })
    ).json();
    const monitor = await create(httpMonitor());
    expect(
      (await as.patch(`/v1/monitors/${monitor.id}`, { channelIds: [channel.id] })).json().channelIds,
    ).toEqual([channel.id]);
    expect((await as.patch(`/v1/monitors/${monitor.id}`, { channelIds: [] })).json().channelIds).toEqual([]);
  });

  it('deletes with 204 and then answers 404', async () => {
    const monitor = await create(httpMonitor());
    const res = await as.delete(`/v1/monitors/${monitor.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectProblem(await as.get(`/v1/monitors/${monitor.id}`), 404);
    expectProblem(await as.delete(`/v1/monitors/${monitor.id}`), 404);
  });
});

describe('listing monitors', () => {
  let lister: Session;
  let list: ReturnType<typeof client>;
  const created: Array<{ id: string; name: string }> = [];

  beforeAll(async () => {
    lister = await signupUser(api.app, 'Lister');
    list = client(api.app, lister.token);
    const specs = [
      httpMonitor({ name: 'alpha', tags: ['prod'] }),
      httpMonitor({ name: 'beta', url: 'https://API.example.com/100%', tags: ['staging'] }),
      httpMonitor({ name: 'gamma', tags: ['prod', 'eu'], paused: true }),
      { type: 'tcp', name: 'delta', host: 'redis.example.com', port: 6379 },
      httpMonitor({ name: 'epsilon' }),
    ];
    for (const spec of specs) created.push(await create(spec, list));
  });

  it('lists newest first and pages through every monitor with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/monitors?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await list.get(url)).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m: { name: string }) => m.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['epsilon', 'delta', 'gamma', 'beta', 'alpha']);
    expect(pages).toBe(3);
  });

  it('defaults to 50 items and returns a null nextCursor on the last page', async () => {
    const page = (await list.get('/v1/monitors')).json();
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toBeNull();
  });

  it.each([
    ['status=paused', ['gamma']],
    ['tag=prod', ['gamma', 'alpha']],
    ['q=EXAMPLE.com%2F100%25', ['beta']],
    ['q=redis', ['delta']],
    ['q=PSIL', ['epsilon']],
    ['q=%25', ['beta']],
    ['tag=prod&status=pending', ['alpha']],
    ['type=tcp', ['delta']],
    ['type=http&tag=prod', ['gamma', 'alpha']],
  ])('filters with %s', async (query, names) => {
    const page = (await list.get(`/v1/monitors?${query}`)).json();
    expect(page.items.map((m: { name: string }) => m.name)).toEqual(names);
  });

  it.each([
    'limit=0',
    'limit=201',
    'limit=abc',
    'status=sleeping',
    'type=ftp',
    'cursor=bm9wZQ',
    'cursor=WyJ4IiwieSJd',
  ])('answers 400 for %s', async (query) => {
    const problem = expectProblem(await list.get(`/v1/monitors?${query}`), 400);
    expect(problem.errors[0]?.path).toBe(query.split('=')[0]);
  });
});

describe('tenant isolation and roles', () => {
  it("answers 404 for another organization's monitor on every verb and never lists it", async () => {
    const mine = await create(httpMonitor({ name: 'private' }));
    const other = await signupUser(api.app, 'Intruder');
    const them = client(api.app, other.token);
    expectProblem(await them.get(`/v1/monitors/${mine.id}`), 404);
    expectProblem(await them.patch(`/v1/monitors/${mine.id}`, { name: 'pwned' }), 404);
    expectProblem(await them.delete(`/v1/monitors/${mine.id}`), 404);
    expectProblem(await them.get(`/v1/monitors/${mine.id}/results`), 404);
    const page = (await them.get('/v1/monitors')).json();
    expect(page.items).toEqual([]);
    expect((await as.get(`/v1/monitors/${mine.id}`)).json().name).toBe('private');
  });

  it('lets a viewer read but answers 403 to every write', async () => {
    const monitor = await create(httpMonitor());
    const user = await testDb.db
      .insertInto('users')
      .values({
        email: 'viewer@example.com',
        password_hash: await createPasswordHasher(api.config.PASSWORD_HASH_LOG2_N).hash('viewer password'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await testDb.db
      .insertInto('memberships')
      .values({ org_id: owner.orgId, user_id: user.id, role: 'viewer' })
      .execute();
    const login = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'viewer@example.com', password: 'viewer password' },
    });
    expect(login.json().organization.id).toBe(owner.orgId);
    const viewer = client(api.app, login.json().accessToken);

    expect((await viewer.get('/v1/monitors')).statusCode).toBe(200);
    expect((await viewer.get(`/v1/monitors/${monitor.id}`)).statusCode).toBe(200);
    expect((await viewer.get('/v1/me')).json().role).toBe('viewer');
    for (const res of [
      await viewer.post('/v1/monitors', httpMonitor()),
      await viewer.patch(`/v1/monitors/${monitor.id}`, { name: 'nope' }),
      await viewer.delete(`/v1/monitors/${monitor.id}`),
      await viewer.post('/v1/channels', {
        type: 'webhook',
        name: 'x',
        config: { url: 'https://x.example.com' },
      }),
    ]) {
      expect(expectProblem(res, 403).type).toBe('urn:sentinelmesh:problem:forbidden');
    }
    expect((await as.get(`/v1/monitors/${monitor.id}`)).json().name).toBe(monitor.name);
  });
});
