import { gunzipSync } from 'node:zlib';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { connectRedis, createLogger, publishLiveEvents, type RedisClient } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidateStatusPages, LOCAL_FRESH_MS, PAGE_TTL_MS } from '../src/services/status-page-cache';
import {
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  waitFor,
} from './helpers';

// A clock that stands still: a cached copy ages only when a test moves it on.
const NOW = new Date('2026-03-10T12:00:00Z');

let testDb: TestDatabase;
let api: TestApi;
let other: TestApi;
let owner: Session;
let monitorId: string;
let pageId: string;
let redis: RedisClient;
const logger = createLogger('status-page-cache-test', 'silent');
/** What a writer passes to invalidateStatusPages. */
const writer = () => ({ redis, config: api.config, logger });

const read = (on: TestApi, slug: string, remoteAddress = '203.0.113.40') =>
  on.app.inject({ method: 'GET', url: `/v1/public/status-pages/${slug}`, remoteAddress });
const builds = (on: TestApi = api) => on.app.statusPageCache.builds;

async function page(on: TestApi, slug: string) {
  const res = await read(on, slug);
  expect(res.statusCode).toBe(200);
  return res.json() as { title: string; monitors: { id: string; name: string; status: string }[] };
}

/** Reads until `check` holds; each read that finds the page current rebuilds nothing. */
const eventually = (on: TestApi, slug: string, check: (p: Awaited<ReturnType<typeof page>>) => void) =>
  waitFor(async () => check(await page(on, slug)));

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  // A second API process over the same database and Redis, as a replica behind a load balancer.
  other = await startApi(testDb, { now: NOW, prefix: api.config.QUEUE_PREFIX });
  redis = connectRedis(api.config);
  owner = await signupUser(api.app, 'Cached Inc');
  const as = client(api.app, owner.token);
  monitorId = (await as.post('/v1/monitors', httpMonitor({ name: 'Checkout' }))).json().id;
  const created = await as.post('/v1/status-pages', {
    slug: 'cached',
    title: 'Cached',
    monitorIds: [monitorId],
  });
  expect(created.statusCode).toBe(201);
  pageId = created.json().id;
});

afterAll(async () => {
  redis?.disconnect();
  await other?.app.close();
  await api?.app.close();
  await testDb?.drop();
});

describe('the public status page cache', () => {
  it('builds a page once, then serves the same JSON from the cache with an ETag', async () => {
    const first = await read(api, 'cached');
    const before = builds();
    const second = await read(api, 'cached');
    expect(second.statusCode).toBe(200);
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.body).toBe(first.body);
    expect(builds()).toBe(before);
    expect(second.json()).toMatchObject({ slug: 'cached', title: 'Cached', status: expect.any(String) });
    const etag = String(second.headers.etag);
    const again = await api.app.inject({
      method: 'GET',
      url: '/v1/public/status-pages/cached',
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('sends the same JSON gzipped to a client that accepts it', async () => {
    const plain = await read(api, 'cached');
    const zipped = await api.app.inject({
      method: 'GET',
      url: '/v1/public/status-pages/cached',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
  });

  it('serves a change made behind its back only once invalidated', async () => {
    await page(api, 'cached');
    await testDb.db
      .updateTable('status_pages')
      .set({ title: 'Renamed directly' })
      .where('id', '=', pageId)
      .execute();
    expect((await page(api, 'cached')).title).toBe('Cached');
    await invalidateStatusPages(writer(), owner.orgId, [pageId]);
    await eventually(api, 'cached', (p) => expect(p.title).toBe('Renamed directly'));
    await testDb.db.updateTable('status_pages').set({ title: 'Cached' }).where('id', '=', pageId).execute();
    await invalidateStatusPages(writer(), owner.orgId);
    await eventually(api, 'cached', (p) => expect(p.title).toBe('Cached'));
  });

  it('asks Redis after its own copy is a second old, and keeps it while the generations stand', async () => {
    await page(api, 'cached');
    const before = builds();
    api.clock.advance(LOCAL_FRESH_MS);
    await page(api, 'cached');
    expect(builds()).toBe(before);
  });

  it('rebuilds a page older than the TTL even when nothing invalidated it', async () => {
    // Built now: invalidated, and this process's copy old enough to be checked against Redis.
    await invalidateStatusPages(writer(), owner.orgId, [pageId]);
    api.clock.advance(LOCAL_FRESH_MS);
    await page(api, 'cached');
    await testDb.db.updateTable('status_pages').set({ title: 'Aged' }).where('id', '=', pageId).execute();
    api.clock.advance(PAGE_TTL_MS - 1);
    expect((await page(api, 'cached')).title).toBe('Cached');
    api.clock.advance(1);
    const before = builds();
    expect((await page(api, 'cached')).title).toBe('Aged');
    expect(builds()).toBe(before + 1);
    await client(api.app, owner.token).patch(`/v1/status-pages/${pageId}`, { title: 'Cached' });
    await eventually(api, 'cached', (p) => expect(p.title).toBe('Cached'));
  });

  it('builds once for many concurrent misses of the same page', async () => {
    await page(api, 'cached');
    await invalidateStatusPages(writer(), owner.orgId, [pageId]);
    // Every request now finds its copy due for a check and the page's generation moved on.
    api.clock.advance(LOCAL_FRESH_MS);
    const before = builds();
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => read(api, 'cached', `203.0.113.${100 + i}`)),
    );
    for (const res of answers) expect(res.statusCode).toBe(200);
    expect(new Set(answers.map((res) => res.body)).size).toBe(1);
    expect(builds()).toBe(before + 1);
  });

  describe('is invalidated by every write that changes a page', () => {
    const as = () => client(api.app, owner.token);

    it('a status page edit', async () => {
      await page(api, 'cached');
      expect((await as().patch(`/v1/status-pages/${pageId}`, { title: 'Edited' })).statusCode).toBe(200);
      await eventually(api, 'cached', (p) => expect(p.title).toBe('Edited'));
    });

    it('a monitor edit, a pause and a delete', async () => {
      await page(api, 'cached');
      expect((await as().patch(`/v1/monitors/${monitorId}`, { name: 'Checkout v2' })).statusCode).toBe(200);
      await eventually(api, 'cached', (p) => expect(p.monitors[0]?.name).toBe('Checkout v2'));
      expect((await as().patch(`/v1/monitors/${monitorId}`, { paused: true })).statusCode).toBe(200);
      await eventually(api, 'cached', (p) => expect(p.monitors[0]?.status).toBe('paused'));
      const doomed = (await as().post('/v1/monitors', httpMonitor({ name: 'Doomed' }))).json().id;
      await as().patch(`/v1/status-pages/${pageId}`, { monitorIds: [monitorId, doomed] });
      await eventually(api, 'cached', (p) => expect(p.monitors).toHaveLength(2));
      expect((await as().delete(`/v1/monitors/${doomed}`)).statusCode).toBe(204);
      await eventually(api, 'cached', (p) => expect(p.monitors.map((m) => m.id)).toEqual([monitorId]));
    });

    it('a maintenance window created, edited and deleted', async () => {
      const hour = 3_600_000;
      const iso = (ms: number) => new Date(ms).toISOString();
      const now = api.clock.now().getTime();
      let windowId = '';
      for (const write of [
        async () => {
          const res = await as().post('/v1/maintenance-windows', {
            name: 'Upgrade',
            monitorIds: [monitorId],
            startsAt: iso(now + hour),
            endsAt: iso(now + 2 * hour),
          });
          windowId = res.json().id;
          return res;
        },
        () => as().patch(`/v1/maintenance-windows/${windowId}`, { name: 'Upgrade, later' }),
        () => as().delete(`/v1/maintenance-windows/${windowId}`),
      ]) {
        await page(api, 'cached');
        const before = builds();
        expect((await write()).statusCode).toBeLessThan(300);
        // What the page shows of a window is other work; here, that the write rebuilt the page once.
        await waitFor(async () => {
          await page(api, 'cached');
          expect(builds()).toBe(before + 1);
        });
      }
    });

    it('a deleted page, whose slug then answers 404', async () => {
      const made = await as().post('/v1/status-pages', {
        slug: 'short-lived',
        title: 'Short',
        monitorIds: [],
      });
      await page(api, 'short-lived');
      expect((await as().delete(`/v1/status-pages/${made.json().id}`)).statusCode).toBe(204);
      await waitFor(async () => expectProblem(await read(api, 'short-lived'), 404));
    });

    it('a slug handed from one page to another: each slug shows its own page', async () => {
      const a = (await as().post('/v1/status-pages', { slug: 'swap-a', title: 'A', monitorIds: [] })).json();
      await page(api, 'swap-a');
      await as().patch(`/v1/status-pages/${a.id}`, { slug: 'swap-moved' });
      const b = await as().post('/v1/status-pages', { slug: 'swap-a', title: 'B', monitorIds: [] });
      expect(b.statusCode).toBe(201);
      await eventually(api, 'swap-a', (p) => expect(p.title).toBe('B'));
      expect((await page(api, 'swap-moved')).title).toBe('A');
    });
  });

  it("hears the verifier's state change on the organization's live channel, in every API process", async () => {
    await page(api, 'cached');
    await page(other, 'cached');
    // The verifier commits the transition, then publishes the batch's events for the organization.
    const flip = async (status: 'up' | 'down') => {
      await testDb.db
        .updateTable('monitor_state')
        .set({ status })
        .where('monitor_id', '=', monitorId)
        .execute();
      const at = api.clock.now().toISOString();
      await publishLiveEvents({ redis, prefix: api.config.QUEUE_PREFIX, logger }, owner.orgId, [
        { type: 'monitor.status', monitorId, status, at },
        { type: status === 'down' ? 'incident.opened' : 'incident.resolved', monitorId, at },
        { type: 'monitor.checked', monitorId, status, at },
      ]);
    };
    for (const status of ['up', 'down'] as const) {
      await flip(status);
      await eventually(api, 'cached', (p) => expect(p.monitors[0]?.status).toBe(status));
      await eventually(other, 'cached', (p) => expect(p.monitors[0]?.status).toBe(status));
    }
  });

  it('invalidates across API processes: a write through one is seen through the other', async () => {
    await page(api, 'cached');
    await page(other, 'cached');
    expect(
      (await as_owner().patch(`/v1/status-pages/${pageId}`, { title: 'Seen everywhere' })).statusCode,
    ).toBe(200);
    await eventually(other, 'cached', (p) => expect(p.title).toBe('Seen everywhere'));
    // The other process rebuilt it and shared it: the first reads it from Redis without a build.
    const before = builds(api);
    await eventually(api, 'cached', (p) => expect(p.title).toBe('Seen everywhere'));
    expect(builds(api)).toBeLessThanOrEqual(before + 1);
  });

  it("never serves one organization's page for another's slug", async () => {
    const stranger = await signupUser(api.app, 'Stranger Co');
    await client(api.app, stranger.token).post('/v1/status-pages', {
      slug: 'stranger',
      title: 'Stranger',
      monitorIds: [],
    });
    const [mine, theirs] = [await page(api, 'cached'), await page(api, 'stranger')];
    expect(theirs.title).toBe('Stranger');
    expect(theirs.monitors).toEqual([]);
    expect(mine.monitors.map((m) => m.id)).toEqual([monitorId]);
  });

  it('keeps rate limits per page: a hammered page, served from the cache, spends no other page its budget', async () => {
    const limited = await startApi(testDb, { env: { RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      await client(api.app, owner.token).post('/v1/status-pages', {
        slug: 'quiet',
        title: 'Quiet',
        monitorIds: [],
      });
      const hammer = await Promise.all(
        Array.from({ length: 8 }, () => read(limited, 'cached', '203.0.113.60')),
      );
      expect(hammer.filter((res) => res.statusCode === 200)).toHaveLength(5);
      for (const res of hammer.filter((r) => r.statusCode !== 200)) expectProblem(res, 429);
      expect((await read(limited, 'quiet', '203.0.113.60')).statusCode).toBe(200);
      expect((await read(limited, 'cached', '203.0.113.61')).statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });
});

function as_owner() {
  return client(api.app, owner.token);
}
