import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, httpMonitor, signupUser, startApi, type TestApi } from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let as: ReturnType<typeof client>;

const hour = 3_600_000;
const startsAt = new Date(Date.now() + hour).toISOString();
const endsAt = new Date(Date.now() + 2 * hour).toISOString();

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  as = client(api.app, (await signupUser(api.app, 'Read Back Org')).token);
  const applied = await as.post('/v1/managed/apply', {
    resources: {
      channels: [{ key: 'ops', type: 'email', name: 'Ops mail', config: { to: ['ops@example.com'] } }],
      monitors: [{ key: 'shop', ...httpMonitor({ name: 'Shop' }), channels: ['ops'] }],
      maintenanceWindows: [{ key: 'upgrade', name: 'DB upgrade', monitors: ['shop'], startsAt, endsAt }],
      statusPages: [{ key: 'public', slug: 'read-back', title: 'Read back', monitors: ['shop'] }],
    },
  });
  if (applied.statusCode !== 200) throw new Error(applied.body);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

/** Each kind: its route, its key in the file, and the editable fields a client sends back with a rename. */
const kinds = [
  { route: '/v1/channels', key: 'ops', edit: (r: Record<string, unknown>) => ({ name: `${r.name}!` }) },
  {
    route: '/v1/maintenance-windows',
    key: 'upgrade',
    edit: (r: Record<string, unknown>) => ({
      name: `${r.name}!`,
      monitorIds: r.monitorIds,
      startsAt: r.startsAt,
      endsAt: r.endsAt,
    }),
  },
  {
    route: '/v1/status-pages',
    key: 'public',
    edit: (r: Record<string, unknown>) => ({ title: `${r.title}!`, slug: r.slug, monitorIds: r.monitorIds }),
  },
] as const;

async function readByKey(route: string, key: string): Promise<Record<string, unknown>> {
  const res = await as.get(`${route}?key=${key}`);
  expect(res.statusCode, res.body).toBe(200);
  const [item] = res.json().items;
  expect(item).toMatchObject({ key, managed: true });
  return item;
}

describe('PATCH takes back the read-only key and managed, and ignores them', () => {
  for (const { route, key, edit } of kinds) {
    it(`${route}/:id: a resource as read, edited and sent back, saves the edit and keeps key and managed`, async () => {
      const read = await readByKey(route, key);
      const res = await as.patch(`${route}/${read.id}`, {
        ...edit(read),
        key: read.key,
        managed: read.managed,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ ...edit(read), key, managed: true });
    });

    it(`${route}/:id: other values of key and managed change neither`, async () => {
      const read = await readByKey(route, key);
      const res = await as.patch(`${route}/${read.id}`, { key: 'something-else', managed: false });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ key, managed: true });
      await readByKey(route, key);
    });

    it(`${route}/:id: key and managed of the wrong type are a 400 problem`, async () => {
      const read = await readByKey(route, key);
      const res = await as.patch(`${route}/${read.id}`, { managed: 'yes' });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });
  }
});
