import type { TestDatabase } from '@sentinelmesh/db/testing';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMemberSession,
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

const DAY = 86_400_000;

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let viewer: Session;
let stranger: Session;
let pageId: string;
let otherPageId: string;
let strangerPageId: string;
let componentA: string;
let componentB: string;
let foreignComponent: string;
let monitorId: string;

async function component(orgId: string, statusPageId: string, name: string, position: number) {
  const row = await testDb.db
    .insertInto('status_page_components')
    .values({ org_id: orgId, status_page_id: statusPageId, name, position })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const post = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  impact: 'partial_outage',
  message: `${title}: we are looking into it`,
  ...extra,
});

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Comm Inc');
  stranger = await signupUser(api.app, 'Stranger Inc');
  viewer = await addMemberSession(api, owner, 'viewer');
  const as = client(api.app, owner.token);
  monitorId = (await as.post('/v1/monitors', httpMonitor({ name: 'Checkout' }))).json().id;
  pageId = (
    await as.post('/v1/status-pages', { slug: 'comm-inc', title: 'Comm Inc', monitorIds: [monitorId] })
  ).json().id;
  otherPageId = (await as.post('/v1/status-pages', { slug: 'comm-inc-2', title: 'Second' })).json().id;
  strangerPageId = (
    await client(api.app, stranger.token).post('/v1/status-pages', {
      slug: 'stranger-page',
      title: 'Stranger',
    })
  ).json().id;
  componentA = await component(owner.orgId, pageId, 'API', 0);
  componentB = await component(owner.orgId, pageId, 'Dashboard', 1);
  foreignComponent = await component(owner.orgId, otherPageId, 'Elsewhere', 0);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('status page incidents', () => {
  it('posts an incident with its first update, adds updates, resolves, corrects and deletes it; viewers read', async () => {
    const as = client(api.app, owner.token);
    const created = await as.post(
      `/v1/status-pages/${pageId}/incidents`,
      post('Slow checkout', { componentIds: [componentB, componentA, componentA] }),
    );
    expect(created.statusCode).toBe(201);
    const incident = created.json();
    expect(incident).toMatchObject({
      statusPageId: pageId,
      incidentId: null,
      title: 'Slow checkout',
      status: 'investigating',
      impact: 'partial_outage',
      componentIds: [componentA, componentB],
      resolvedAt: null,
    });
    expect(incident.updates).toEqual([
      expect.objectContaining({
        status: 'investigating',
        message: 'Slow checkout: we are looking into it',
        authorUserId: owner.userId,
      }),
    ]);

    const base = `/v1/status-pages/${pageId}/incidents/${incident.id}`;
    const identified = await as.post(`${base}/updates`, { status: 'identified', message: 'A bad deploy' });
    expect(identified.statusCode).toBe(201);
    expect(identified.json()).toMatchObject({ status: 'identified', resolvedAt: null });
    const resolved = await as.post(`${base}/updates`, { status: 'resolved', message: 'Rolled back' });
    expect(resolved.json().status).toBe('resolved');
    expect(resolved.json().resolvedAt).not.toBeNull();
    expect(resolved.json().updates.map((u: { status: string }) => u.status)).toEqual([
      'investigating',
      'identified',
      'resolved',
    ]);

    const patched = await as.patch(base, {
      title: 'Slow checkout in EU',
      impact: 'degraded',
      componentIds: [],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      title: 'Slow checkout in EU',
      impact: 'degraded',
      componentIds: [],
      status: 'resolved',
    });

    const asViewer = client(api.app, viewer.token);
    expect((await asViewer.get(base)).json().title).toBe('Slow checkout in EU');
    const listed = await asViewer.get(`/v1/status-pages/${pageId}/incidents`);
    expect(listed.json().items.map((i: { id: string }) => i.id)).toContain(incident.id);
    expectProblem(await asViewer.post(`${base}/updates`, { status: 'monitoring', message: 'x' }), 403);
    expectProblem(await asViewer.post(`/v1/status-pages/${pageId}/incidents`, post('No')), 403);
    expectProblem(await asViewer.delete(base), 403);

    expect((await as.delete(base)).statusCode).toBe(204);
    expectProblem(await as.get(base), 404);
    expectProblem(await as.delete(base), 404);
  });

  it('refuses invalid input with a problem naming the field', async () => {
    const as = client(api.app, owner.token);
    const url = `/v1/status-pages/${pageId}/incidents`;
    for (const [body, path] of [
      [post('x', { impact: 'meltdown' }), 'impact'],
      [post('x', { status: 'fixed' }), 'status'],
      [post('x', { message: '' }), 'message'],
      [post(''), 'title'],
      [post('x', { extra: 1 }), ''],
      [post('x', { componentIds: [foreignComponent] }), 'componentIds'],
      [post('x', { componentIds: ['not-an-id'] }), 'componentIds'],
    ] as const) {
      const problem = expectProblem(await as.post(url, body), 400);
      if (path) expect(problem.errors.map((e) => e.path)).toContain(path);
    }
    const incident = (await as.post(url, post('Valid'))).json();
    const base = `${url}/${incident.id}`;
    expectProblem(await as.post(`${base}/updates`, { status: 'resolved' }), 400);
    expectProblem(await as.patch(base, { status: 'resolved' }), 400);
    expectProblem(await as.patch(base, { componentIds: [foreignComponent] }), 400);
    expectProblem(await as.get(`${url}/not-a-uuid`), 404);
    expectProblem(await as.get(`/v1/status-pages/${otherPageId}/incidents/${incident.id}`), 404);
    expectProblem(await as.post('/v1/status-pages/not-a-uuid/incidents', post('x')), 404);
    // Nothing was written by the refused requests.
    const count = await testDb.db
      .selectFrom('status_page_incidents')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('title', '=', 'x')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it("keeps each organization's incidents to itself", async () => {
    const as = client(api.app, owner.token);
    const incident = (await as.post(`/v1/status-pages/${pageId}/incidents`, post('Private matter'))).json();
    const base = `/v1/status-pages/${pageId}/incidents/${incident.id}`;
    const them = client(api.app, stranger.token);
    expectProblem(await them.get(`/v1/status-pages/${pageId}/incidents`), 404);
    expectProblem(await them.get(base), 404);
    expectProblem(await them.patch(base, { title: 'Mine' }), 404);
    expectProblem(await them.post(`${base}/updates`, { status: 'resolved', message: 'Mine' }), 404);
    expectProblem(await them.delete(base), 404);
    expectProblem(await them.post(`/v1/status-pages/${pageId}/incidents`, post('Mine')), 404);
    expectProblem(await them.get(`/v1/status-pages/${pageId}/subscribers`), 404);
    expect((await them.get(`/v1/status-pages/${strangerPageId}/incidents`)).json().items).toEqual([]);
    expect((await as.get(base)).json().title).toBe('Private matter');
  });

  it('promotes an automatic incident to the page once, linked to it', async () => {
    const automatic = await testDb.db
      .insertInto('incidents')
      .values({ org_id: owner.orgId, monitor_id: monitorId, status: 'open', opened_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const as = client(api.app, owner.token);
    const body = {
      statusPageId: pageId,
      message: 'Checkout fails for some',
      impact: 'major_outage',
      componentIds: [componentA],
    };
    const promoted = await as.post(`/v1/incidents/${automatic.id}/promote`, body);
    expect(promoted.statusCode).toBe(201);
    expect(promoted.json()).toMatchObject({
      incidentId: automatic.id,
      title: 'Checkout is unavailable',
      status: 'investigating',
      impact: 'major_outage',
      componentIds: [componentA],
    });
    expectProblem(await as.post(`/v1/incidents/${automatic.id}/promote`, body), 409);
    expect(
      (
        await as.post(`/v1/incidents/${automatic.id}/promote`, {
          ...body,
          statusPageId: otherPageId,
          componentIds: [],
          title: 'On the second page',
        })
      ).statusCode,
    ).toBe(201);
    expectProblem(
      await as.post(`/v1/incidents/${automatic.id}/promote`, { ...body, statusPageId: strangerPageId }),
      400,
    );
    expectProblem(
      await client(api.app, stranger.token).post(`/v1/incidents/${automatic.id}/promote`, {
        ...body,
        statusPageId: strangerPageId,
        componentIds: [],
      }),
      404,
    );
    expectProblem(
      await client(api.app, viewer.token).post(`/v1/incidents/${automatic.id}/promote`, body),
      403,
    );
  });
});

describe('the public side of incidents', () => {
  it('shows open incidents with their updates, newest first, without authors', async () => {
    const as = client(api.app, owner.token);
    const open = (
      await as.post(
        `/v1/status-pages/${pageId}/incidents`,
        post('Search is down', { componentIds: [componentB] }),
      )
    ).json();
    await as.post(`/v1/status-pages/${pageId}/incidents/${open.id}/updates`, {
      status: 'monitoring',
      message: 'A fix is out',
    });
    const closed = (await as.post(`/v1/status-pages/${pageId}/incidents`, post('Old trouble'))).json();
    await as.post(`/v1/status-pages/${pageId}/incidents/${closed.id}/updates`, {
      status: 'resolved',
      message: 'Done',
    });

    const page = await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/comm-inc' });
    expect(page.statusCode).toBe(200);
    const { incidents } = page.json();
    const shown = incidents.find((i: { id: string }) => i.id === open.id);
    expect(shown).toMatchObject({
      title: 'Search is down',
      status: 'monitoring',
      componentIds: [componentB],
    });
    expect(shown.updates.map((u: { message: string }) => u.message)).toEqual([
      'A fix is out',
      'Search is down: we are looking into it',
    ]);
    expect(incidents.some((i: { id: string }) => i.id === closed.id)).toBe(false);
    expect(page.body).not.toContain(owner.userId);
  });

  it('pages the 90-day history newest first, leaving older incidents out', async () => {
    const as = client(api.app, owner.token);
    const history = await as.post('/v1/status-pages', { slug: 'history-page', title: 'History' });
    const historyPage = history.json().id;
    const ids: string[] = [];
    for (const title of ['First', 'Second', 'Third']) {
      ids.push((await as.post(`/v1/status-pages/${historyPage}/incidents`, post(title))).json().id);
    }
    const ancient = (await as.post(`/v1/status-pages/${historyPage}/incidents`, post('Ancient'))).json().id;
    await testDb.db
      .updateTable('status_page_incidents')
      .set({ created_at: new Date(Date.now() - 91 * DAY) } as never)
      .where('id', '=', ancient)
      .execute();

    const first = await api.app.inject({
      method: 'GET',
      url: '/v1/public/status-pages/history-page/history?limit=2',
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((i: { title: string }) => i.title)).toEqual(['Third', 'Second']);
    const next = await api.app.inject({
      method: 'GET',
      url: `/v1/public/status-pages/history-page/history?limit=2&cursor=${first.json().nextCursor}`,
    });
    expect(next.json().items.map((i: { title: string }) => i.title)).toEqual(['First']);
    expect(next.json().nextCursor).toBeNull();
    expectProblem(
      await api.app.inject({
        method: 'GET',
        url: '/v1/public/status-pages/history-page/history?cursor=bogus',
      }),
      400,
    );
    expectProblem(
      await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/history-page/history?limit=0' }),
      400,
    );
    expectProblem(
      await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/no-such-page/history' }),
      404,
    );
  });

  it('serves valid RSS and Atom feeds of the updates, with markup escaped', async () => {
    const as = client(api.app, owner.token);
    const feedPage = (await as.post('/v1/status-pages', { slug: 'feed-page', title: 'Feeds & <Co>' })).json()
      .id;
    const incident = (
      await as.post(
        `/v1/status-pages/${feedPage}/incidents`,
        post('<script>alert(1)</script> & "quotes"', { message: 'Broken ]]> here\u0007' }),
      )
    ).json();
    await as.post(`/v1/status-pages/${feedPage}/incidents/${incident.id}/updates`, {
      status: 'resolved',
      message: 'All good <b>now</b>',
    });

    const atom = await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/feed-page/feed.atom' });
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(XMLValidator.validate(atom.body)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(atom.body);
    const entries = parsed.feed.entry;
    expect(entries).toHaveLength(2);
    expect(entries[0].title).toBe('Resolved: <script>alert(1)</script> & "quotes"');
    expect(entries[0].content['#text']).toBe('All good <b>now</b>');
    expect(entries[1].content['#text']).toBe('Broken ]]> here');
    expect(parsed.feed.title).toBe('Feeds & <Co> status');

    const rss = await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/feed-page/feed.rss' });
    expect(rss.headers['content-type']).toContain('application/rss+xml');
    expect(XMLValidator.validate(rss.body)).toBe(true);
    const items = new XMLParser().parse(rss.body).rss.channel.item;
    expect(items.map((i: { title: string }) => i.title)).toEqual([
      'Resolved: <script>alert(1)</script> & "quotes"',
      'Investigating: <script>alert(1)</script> & "quotes"',
    ]);
    expectProblem(await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/nope/feed.rss' }), 404);
  });

  it("lists the maintenance of the page's monitors in its feeds: scheduled and in progress, not others'", async () => {
    const as = client(api.app, owner.token);
    const shown = (
      await as.post('/v1/monitors', { type: 'http', name: 'Fed', url: 'https://example.com/' })
    ).json().id as string;
    const other = (
      await as.post('/v1/monitors', { type: 'http', name: 'Unfed', url: 'https://example.com/o' })
    ).json().id as string;
    await as.post('/v1/status-pages', { slug: 'maint-feed', title: 'Maintained', monitorIds: [shown] });
    const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    const window = async (name: string, monitorIds: string[], from: number, to: number) =>
      expect(
        (await as.post('/v1/maintenance-windows', { name, monitorIds, startsAt: at(from), endsAt: at(to) }))
          .statusCode,
      ).toBe(201);
    await window('Disk swap', [shown], 24, 25);
    await window('Reindex', [shown], -1, 1);
    await window('Elsewhere', [other], 2, 3);
    await window('Long past', [shown], -48, -47);

    const atom = await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/maint-feed/feed.atom' });
    expect(XMLValidator.validate(atom.body)).toBe(true);
    const entries = [new XMLParser().parse(atom.body).feed.entry].flat();
    expect(entries.map((e: { title: string }) => e.title).sort()).toEqual([
      'Maintenance in progress: Reindex',
      'Scheduled maintenance: Disk swap',
    ]);
    const rss = await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/maint-feed/feed.rss' });
    expect(XMLValidator.validate(rss.body)).toBe(true);
    expect([new XMLParser().parse(rss.body).rss.channel.item].flat()).toHaveLength(2);
  });
});
