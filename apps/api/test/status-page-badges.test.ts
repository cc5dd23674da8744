import { insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeXml, renderBadge } from '../src/badges/svg';
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
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NAME = 'Checkout <API> & "co"';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let pageId: string;
let shown: string;
let hidden: string;

const get = (url: string, remoteAddress = '203.0.113.50') =>
  api.app.inject({ method: 'GET', url, remoteAddress });
const badge = (monitorId: string, file: string) => get(`/v1/public/badges/badge-status/${monitorId}/${file}`);

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW, env: { RATE_LIMIT_PER_MINUTE: '20' } });
  owner = await signupUser(api.app, 'Badges Inc');
  const as = client(api.app, owner.token);
  shown = (await as.post('/v1/monitors', httpMonitor({ name: NAME }))).json().id;
  hidden = (await as.post('/v1/monitors', httpMonitor({ name: 'Internal' }))).json().id;
  await testDb.db
    .updateTable('monitors')
    .set({ created_at: new Date(NOW.getTime() - 10 * DAY) } as never)
    .where('id', 'in', [shown, hidden])
    .execute();
  await testDb.db
    .updateTable('monitor_state')
    .set({ status: 'up' })
    .where('monitor_id', '=', shown)
    .execute();
  // Hourly checks for 8 days at 120 ms; a 12 h incident three days ago.
  const start = NOW.getTime() - 8 * DAY;
  await insertResults(
    testDb.db,
    owner.orgId,
    shown,
    Array.from({ length: 8 * 24 }, (_, i) => ({ scheduledAt: new Date(start + i * HOUR), latencyMs: 120 })),
  );
  await testDb.db
    .insertInto('incidents')
    .values({
      org_id: owner.orgId,
      monitor_id: shown,
      status: 'resolved',
      opened_at: new Date(NOW.getTime() - 3 * DAY),
      resolved_at: new Date(NOW.getTime() - 3 * DAY + 12 * HOUR),
    })
    .execute();
  pageId = (
    await as.post('/v1/status-pages', { slug: 'badge-status', title: 'Badges', monitorIds: [shown] })
  ).json().id;
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('badges', () => {
  it('are 404 while the page has badges off', async () => {
    expectProblem(await badge(shown, 'status.svg'), 404);
    const on = await client(api.app, owner.token).patch(`/v1/status-pages/${pageId}`, {
      badgesEnabled: true,
    });
    expect(on.json().badgesEnabled).toBe(true);
  });

  it('draws a status badge as SVG with the name escaped, cached for a minute', async () => {
    const res = await badge(shown, 'status.svg');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(res.body).toContain('Checkout &lt;API&gt; &amp; &quot;co&quot;');
    expect(res.body).not.toContain('<API>');
    expect(res.body).toContain('>up</text>');
    expect(res.body).toContain('fill="#4c1"');
  });

  it('draws uptime over the window asked for, equal to the stats API', async () => {
    const as = client(api.app, owner.token);
    // 12 h down of 7 days: 92.857 %, shown to two decimals without rounding up.
    const week = (await as.get(`/v1/monitors/${shown}/stats?window=7d`)).json();
    expect(week.uptimePercent).toBeCloseTo(92.857, 3);
    expect((await badge(shown, 'uptime.svg?window=7d')).body).toContain('>92.85%</text>');
    const day = (await as.get(`/v1/monitors/${shown}/stats?window=24h`)).json();
    expect(day.uptimePercent).toBe(100);
    expect((await badge(shown, 'uptime.svg')).body).toContain('>100%</text>');
    expectProblem(await badge(shown, 'uptime.svg?window=1y'), 400);
  });

  it('draws the p95 latency of the window', async () => {
    const res = await badge(shown, 'latency.svg?window=7d');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('>120 ms</text>');
  });

  it('answers the shields.io endpoint schema for each metric', async () => {
    const status = await badge(shown, 'shields.json');
    expect(status.headers['cache-control']).toBe('public, max-age=60');
    expect(status.json()).toEqual({
      schemaVersion: 1,
      label: NAME,
      message: 'up',
      color: 'brightgreen',
      cacheSeconds: 60,
    });
    expect((await badge(shown, 'shields.json?metric=uptime&window=7d')).json()).toMatchObject({
      label: `${NAME} 7d`,
      message: '92.85%',
      color: 'red',
    });
    expect((await badge(shown, 'shields.json?metric=latency')).json()).toMatchObject({
      message: '120 ms',
      color: 'brightgreen',
    });
  });

  it('shows nothing of a monitor that is not on the page, nor of an unknown page', async () => {
    const notOnPage = expectProblem(await badge(hidden, 'status.svg'), 404);
    const unknown = expectProblem(await get(`/v1/public/badges/no-such-page/${shown}/status.svg`), 404);
    expect(notOnPage.detail).toBe(unknown.detail);
    expectProblem(await badge('not-an-id', 'shields.json'), 404);
  });

  it('is limited per page and client like the page itself', async () => {
    const from = '203.0.113.99';
    let status = 200;
    for (let i = 0; i < 21 && status === 200; i++)
      status = (await get(`/v1/public/badges/badge-status/${shown}/status.svg`, from)).statusCode;
    expect(status).toBe(429);
    expect(
      (await get(`/v1/public/badges/badge-status/${shown}/status.svg`, '203.0.113.100')).statusCode,
    ).toBe(200);
  });
});

describe('the SVG', () => {
  it('escapes every markup character and drops control characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0001`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    const svg = renderBadge({ label: '</text><script>', message: 'up', color: 'javascript:' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('fill="#9f9f9f"');
  });
});
