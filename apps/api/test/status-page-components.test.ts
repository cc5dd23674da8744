import { insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { connectRedis, createLogger, type RedisClient } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidateStatusPages } from '../src/services/status-page-cache';
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
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let stranger: Session;
const ids = { api: '', web: '', search: '', cdn: '', lone: '' };

const publicPage = async (slug: string) => {
  const res = await api.app.inject({ method: 'GET', url: `/v1/public/status-pages/${slug}` });
  expect(res.statusCode).toBe(200);
  return res.json();
};

let redis: RedisClient;
/**
 * The tests write states and results as the verifier and workers do, behind the API's back; the
 * verifier's live events would then tell the page cache, as this does.
 */
const tellCache = () =>
  invalidateStatusPages({ redis, config: api.config, logger: createLogger('cache', 'silent') }, owner.orgId);

const setStatus = async (monitorId: string, status: 'up' | 'down') => {
  await testDb.db.updateTable('monitor_state').set({ status }).where('monitor_id', '=', monitorId).execute();
  await tellCache();
};

/** Scheduled checks every `stepMs` over [from, to), with `latencyMs`, in each of `regions`. */
const checks = (from: number, to: number, stepMs: number, latencyMs: number, regions = ['local']) =>
  regions.flatMap((region) =>
    Array.from({ length: Math.floor((to - from) / stepMs) }, (_, i) => ({
      scheduledAt: new Date(from + i * stepMs),
      region,
      latencyMs,
    })),
  );

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  redis = connectRedis(api.config);
  owner = await signupUser(api.app, 'Components Inc');
  stranger = await signupUser(api.app, 'Stranger');
  const as = client(api.app, owner.token);
  for (const [key, name] of [
    ['api', 'Public API'],
    ['web', 'Website'],
    ['search', 'Search'],
    ['cdn', 'CDN'],
    ['lone', 'Status mailer'],
  ] as const) {
    ids[key] = (await as.post('/v1/monitors', httpMonitor({ name }))).json().id;
    await testDb.db
      .updateTable('monitors')
      .set({ created_at: new Date(NOW.getTime() - 10 * DAY) } as never)
      .where('id', '=', ids[key])
      .execute();
    await setStatus(ids[key], 'up');
  }
  const weekAgo = NOW.getTime() - 8 * DAY;
  // API: steady 100 ms for 8 days, then 5 minutes of 500 ms in the last hour: slow.
  await insertResults(
    testDb.db,
    owner.orgId,
    ids.api,
    checks(weekAgo, NOW.getTime() - HOUR, 10 * MINUTE, 100),
  );
  await insertResults(
    testDb.db,
    owner.orgId,
    ids.api,
    checks(NOW.getTime() - HOUR, NOW.getTime(), MINUTE, 500),
  );
  // Website: steady 100 ms in three regions; the latest slot fails in one of them.
  await insertResults(
    testDb.db,
    owner.orgId,
    ids.web,
    checks(weekAgo, NOW.getTime(), 10 * MINUTE, 100, ['eu', 'us', 'ap']),
  );
  await testDb.db
    .updateTable('check_results')
    .set({ ok: false, error_kind: 'timeout' })
    .where('monitor_id', '=', ids.web)
    .where('region', '=', 'ap')
    .where('scheduled_at', '=', new Date(NOW.getTime() - 10 * MINUTE))
    .execute();
  // Search: 150 ms now as over the week: not slow. A 6 h incident yesterday.
  await insertResults(testDb.db, owner.orgId, ids.search, checks(weekAgo, NOW.getTime(), 10 * MINUTE, 150));
  await testDb.db
    .insertInto('incidents')
    .values({
      org_id: owner.orgId,
      monitor_id: ids.search,
      status: 'resolved',
      opened_at: new Date('2026-03-09T06:00:00Z'),
      resolved_at: new Date('2026-03-09T12:00:00Z'),
    })
    .execute();
  // CDN: up, fast, one region.
  await insertResults(testDb.db, owner.orgId, ids.cdn, checks(weekAgo, NOW.getTime(), 10 * MINUTE, 50));
  await insertResults(testDb.db, owner.orgId, ids.lone, checks(weekAgo, NOW.getTime(), 10 * MINUTE, 50));
});

afterAll(async () => {
  await redis?.quit();
  await api?.app.close();
  await testDb?.drop();
});

describe('components, branding and domain on the page body', () => {
  it('stores components in order with their monitors, and keeps them when only monitorIds changes', async () => {
    const as = client(api.app, owner.token);
    const created = await as.post('/v1/status-pages', {
      slug: 'shop-status',
      title: 'Shop',
      monitorIds: [ids.lone],
      components: [
        { name: 'Storefront', description: 'What shoppers see', monitorIds: [ids.web, ids.cdn] },
        { name: 'Backend', monitorIds: [ids.api, ids.search] },
      ],
      description: 'Live status of the shop',
      logoUrl: 'https://shop.example.com/logo.png',
      brandColor: '#1A4D8F',
      footerText: 'Questions? support@shop.example.com',
      links: [{ label: 'Support', url: 'https://shop.example.com/support' }],
      customDomain: 'Status.Customer.Test',
      badgesEnabled: true,
    });
    expect(created.statusCode).toBe(201);
    const page = created.json();
    expect(page).toMatchObject({
      monitorIds: [ids.web, ids.cdn, ids.api, ids.search, ids.lone],
      components: [
        { name: 'Storefront', description: 'What shoppers see', monitorIds: [ids.web, ids.cdn] },
        { name: 'Backend', description: null, monitorIds: [ids.api, ids.search] },
      ],
      description: 'Live status of the shop',
      logoUrl: 'https://shop.example.com/logo.png',
      brandColor: '#1a4d8f',
      footerText: 'Questions? support@shop.example.com',
      links: [{ label: 'Support', url: 'https://shop.example.com/support' }],
      customDomain: 'status.customer.test',
      badgesEnabled: true,
    });
    // Dropping the CDN from the page keeps every other monitor in its component.
    const patched = await as.patch(`/v1/status-pages/${page.id}`, {
      monitorIds: [ids.web, ids.api, ids.search, ids.lone],
    });
    expect(patched.json().components.map((c: { monitorIds: string[] }) => c.monitorIds)).toEqual([
      [ids.web],
      [ids.api, ids.search],
    ]);
    const restored = await as.patch(`/v1/status-pages/${page.id}`, {
      components: [
        { name: 'Storefront', description: 'What shoppers see', monitorIds: [ids.web, ids.cdn] },
        { name: 'Backend', monitorIds: [ids.api, ids.search] },
      ],
    });
    expect(restored.json()).toEqual({
      ...page,
      updatedAt: expect.any(String),
      components: expect.any(Array),
    });
    expect((await as.get('/v1/status-pages')).json().items[0].components).toHaveLength(2);
  });

  it('refuses bad branding, a monitor in two components and foreign monitors, every problem at once', async () => {
    const as = client(api.app, owner.token);
    const problem = expectProblem(
      await as.post('/v1/status-pages', {
        slug: 'bad-branding',
        title: 'Bad',
        logoUrl: 'http://shop.example.com/logo.png',
        brandColor: 'blue',
        links: [{ label: 'Docs', url: 'javascript:alert(1)' }],
        customDomain: 'not a host',
        footerText: 'x'.repeat(2001),
      }),
      400,
    );
    expect(problem.errors.map((e) => e.path).sort()).toEqual([
      'brandColor',
      'customDomain',
      'footerText',
      'links.0.url',
      'logoUrl',
    ]);
    const foreign = (await client(api.app, stranger.token).post('/v1/monitors', httpMonitor())).json().id;
    const refused = expectProblem(
      await as.post('/v1/status-pages', {
        slug: 'bad-components',
        title: 'Bad',
        components: [
          { name: 'One', monitorIds: [ids.api] },
          { name: 'one', monitorIds: [ids.api, foreign] },
        ],
      }),
      400,
    );
    expect(refused.errors).toEqual([
      { path: 'components.1.name', message: 'another component has this name' },
      { path: 'components.1.monitorIds', message: `no such monitor: ${foreign}` },
      { path: 'components.1.monitorIds', message: `${ids.api} is in another component` },
    ]);
    const slugs = (await as.get('/v1/status-pages')).json().items.map((p: { slug: string }) => p.slug);
    expect(slugs).toEqual(['shop-status']);
  });

  it('answers 409 for a custom domain another page uses, in any organization', async () => {
    const taken = expectProblem(
      await client(api.app, stranger.token).post('/v1/status-pages', {
        slug: 'theirs',
        title: 'Theirs',
        customDomain: 'STATUS.customer.test',
      }),
      409,
    );
    expect(taken.errors).toEqual([{ path: 'customDomain', message: 'taken by another status page' }]);
  });
});

describe('the public page', () => {
  it('shows each component with its state: degraded when slow or a minority of regions fails', async () => {
    const body = await publicPage('shop-status');
    const states = Object.fromEntries(
      body.components.map(
        (c: { name: string; state: string; monitors: { name: string; state: string }[] }) => [
          c.name,
          { state: c.state, monitors: Object.fromEntries(c.monitors.map((m) => [m.name, m.state])) },
        ],
      ),
    );
    expect(states).toEqual({
      Storefront: { state: 'degraded', monitors: { Website: 'degraded', CDN: 'up' } },
      Backend: { state: 'degraded', monitors: { 'Public API': 'degraded', Search: 'up' } },
    });
    expect(body.status).toBe('degraded');
    // The lone monitor is shown in `monitors` only.
    expect(body.monitors.find((m: { id: string }) => m.id === ids.lone)).toMatchObject({ state: 'up' });
    expect(body.branding).toEqual({
      description: 'Live status of the shop',
      logoUrl: 'https://shop.example.com/logo.png',
      brandColor: '#1a4d8f',
      footerText: 'Questions? support@shop.example.com',
      links: [{ label: 'Support', url: 'https://shop.example.com/support' }],
    });
  });

  it('gives a component the uptime of its worst monitor, each monitor the stats API figure', async () => {
    const body = await publicPage('shop-status');
    const backend = body.components[1];
    const search = backend.monitors[1];
    const day = search.uptime90d.find((d: { date: string }) => d.date === '2026-03-09');
    const stats = (
      await client(api.app, owner.token).get(
        `/v1/monitors/${ids.search}/stats?from=2026-03-09T00:00:00Z&to=2026-03-10T00:00:00Z`,
      )
    ).json();
    expect(day.uptimePercent).toBe(stats.uptimePercent);
    expect(day.uptimePercent).toBe(75);
    expect(backend.uptime90d.find((d: { date: string }) => d.date === '2026-03-09').uptimePercent).toBe(75);
    expect(backend.uptimePercent).toBe(Math.min(search.uptimePercent, backend.monitors[0].uptimePercent));
  });

  it('is down when any monitor is down, whatever else is degraded', async () => {
    await setStatus(ids.cdn, 'down');
    try {
      const body = await publicPage('shop-status');
      expect(body.status).toBe('down');
      expect(body.components[0].state).toBe('down');
    } finally {
      await setStatus(ids.cdn, 'up');
    }
  });

  it('is operational once the slow hour and the failing region are gone', async () => {
    await testDb.db
      .updateTable('check_results')
      .set({ latency_ms: 100 })
      .where('monitor_id', '=', ids.api)
      .execute();
    await testDb.db
      .updateTable('check_results')
      .set({ ok: true })
      .where('monitor_id', '=', ids.web)
      .execute();
    await tellCache();
    expect((await publicPage('shop-status')).status).toBe('operational');
  });

  it('is served by its custom domain, any case; an unknown host is 404', async () => {
    const res = await api.app.inject({
      method: 'GET',
      url: '/v1/public/status-pages/by-domain/STATUS.customer.test',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    expect(res.json()).toMatchObject({ slug: 'shop-status', title: 'Shop' });
    expectProblem(
      await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/by-domain/other.customer.test' }),
      404,
    );
  });

  it('tells a proxy asking before on-demand TLS whether a name is a page domain', async () => {
    const check = (domain: string) =>
      api.app.inject({ method: 'GET', url: `/v1/public/custom-domains/check?domain=${domain}` });
    const known = await check('Status.Customer.Test');
    expect(known.statusCode).toBe(200);
    expect(known.json()).toEqual({ domain: 'status.customer.test' });
    expectProblem(await check('attacker.example'), 404);
  });
});
