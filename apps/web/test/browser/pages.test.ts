import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastHttpMonitor, startReceiver, startTarget } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import {
  type A11yViolation,
  hydrated,
  launchChromium,
  saveScreenshot,
  seriousA11yViolations,
} from './support/chromium';
import { type RunningStack, startStack } from './support/stack';

// Every page of the dashboard, at desktop and phone widths, against the real stack: no sideways
// scroll, no serious axe-core violation, and a full-page screenshot of each in test-artifacts/screenshots/.

const EMAIL = 'owner@pages.example';
const PASSWORD = 'correct horse battery';
const SLUG = 'pages-status';

let db: TestDatabase;
let stack: RunningStack;
let browser: Browser;
let target: Awaited<ReturnType<typeof startTarget>>;
let hook: Awaited<ReturnType<typeof startReceiver>>;
let member: BrowserContext;
let visitor: BrowserContext;
/** A visitor whose browser lets axe-core in where the page's CSP forbids inline scripts (/docs). */
let reader: BrowserContext;
const seeded = { monitorId: '', incidentId: '' };

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startTarget();
  hook = await startReceiver();
  [stack, browser] = await Promise.all([startStack(db.url), launchChromium()]);
  member = await browser.newContext();
  visitor = await browser.newContext();
  reader = await browser.newContext({ bypassCSP: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await target?.close();
  await hook?.close();
  await db?.drop();
}, 60_000);

interface PageCase {
  /** The screenshot's name: test-artifacts/screenshots/<name>-<desktop|phone>.png */
  name: string;
  path: () => string;
  /** Who looks: the signed-in owner, or a visitor without a session. */
  as: 'member' | 'visitor' | 'reader';
  /** What shows the page has rendered; `main h1` unless said. */
  ready?: string;
  /** How long it may take to show (20 s unless said). */
  readyMs?: number;
}

const id = (key: keyof typeof seeded) => () => seeded[key];

/** One line per page; a page added to the dashboard is one more line. */
const PAGES: PageCase[] = [
  { name: 'monitors', path: () => '/', as: 'member' },
  { name: 'monitor', path: () => `/monitors/${id('monitorId')()}`, as: 'member' },
  { name: 'monitor-new', path: () => '/monitors/new', as: 'member' },
  { name: 'monitor-edit', path: () => `/monitors/${id('monitorId')()}/edit`, as: 'member' },
  { name: 'incidents', path: () => '/incidents', as: 'member' },
  { name: 'incident', path: () => `/incidents/${id('incidentId')()}`, as: 'member' },
  { name: 'channels', path: () => '/channels', as: 'member' },
  { name: 'status-pages', path: () => '/status-pages', as: 'member' },
  { name: 'maintenance', path: () => '/maintenance', as: 'member' },
  { name: 'reports', path: () => '/reports', as: 'member' },
  { name: 'settings-account', path: () => '/settings/account', as: 'member' },
  { name: 'settings-members', path: () => '/settings/members', as: 'member' },
  { name: 'settings-api-keys', path: () => '/settings/api-keys', as: 'member' },
  { name: 'settings-usage', path: () => '/settings/usage', as: 'member' },
  { name: 'settings-locations', path: () => '/settings/locations', as: 'member' },
  { name: 'not-found', path: () => '/no-such-page', as: 'member' },
  { name: 'login', path: () => '/login', as: 'visitor' },
  { name: 'signup', path: () => '/signup', as: 'visitor' },
  { name: 'forgot-password', path: () => '/forgot-password', as: 'visitor' },
  { name: 'reset-password', path: () => '/reset-password?token=not-a-real-token', as: 'visitor' },
  { name: 'verify-email', path: () => '/verify-email?token=not-a-real-token', as: 'visitor' },
  { name: 'accept-invitation', path: () => '/invitations/accept?token=not-a-real-token', as: 'visitor' },
  { name: 'status-page', path: () => `/status/${SLUG}`, as: 'visitor', ready: '.status-list li' },
  { name: 'status-page-unknown', path: () => '/status/no-such-slug', as: 'visitor' },
  // The reference resolves the whole OpenAPI document (about 1 MB, every monitor type inline in each
  // monitor route) before it shows an operation: 4–5 s on an idle machine, several times that beside
  // the rest of the suite.
  { name: 'docs', path: () => `${stack.api}/docs/`, as: 'reader', ready: '.opblock', readyMs: 60_000 },
];

const VIEWPORTS = [
  { label: 'desktop', width: 1280, height: 900 },
  { label: 'phone', width: 390, height: 844 },
] as const;

/** A request to the API as the owner, with an access token from logging in. */
async function asOwner<T>(method: string, path: string, body?: unknown): Promise<T> {
  const login = await fetch(`${stack.api}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const res = await fetch(`${stack.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** The outermost elements reaching past the right edge of the screen, named for a failure message. */
function widerThanScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const past = (el: Element) => el.getBoundingClientRect().right > width + 0.5;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}`;
    return [...document.body.querySelectorAll('*')]
      .filter(
        (el) =>
          past(el) && !(el.parentElement && el.parentElement !== document.body && past(el.parentElement)),
      )
      .slice(0, 5)
      .map((el) => `${el.parentElement ? `${name(el.parentElement)} > ` : ''}${name(el)}`);
  });
}

async function visit(page: Page, c: PageCase): Promise<void> {
  const path = c.path();
  await page.goto(path.startsWith('http') ? path : `${stack.web}${path}`);
  await page
    .locator(c.ready ?? 'main h1')
    .first()
    .waitFor({ timeout: c.readyMs ?? 20_000 });
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 20_000 });
}

describe('a fresh install', () => {
  it('opens on sign-up while nobody has an account, and on the login page once someone has', async () => {
    const page = await visitor.newPage();
    await page.goto(`${stack.web}/`);
    await page.waitForURL((url) => url.pathname === '/signup');
    await page.goto(`${stack.web}/login`);
    await page.waitForURL((url) => url.pathname === '/signup');

    const owner = await member.newPage();
    await owner.goto(`${stack.web}/signup`);
    await hydrated(owner);
    await owner.getByLabel('Email').fill(EMAIL);
    await owner.getByLabel('Password').fill(PASSWORD);
    await owner.getByLabel('Organization name').fill('Pages Test Org');
    await owner.getByRole('button', { name: 'Create organization' }).click();
    await owner.getByRole('heading', { name: 'No monitors yet' }).waitFor();

    await page.goto(`${stack.web}/`);
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.close();
  }, 120_000);
});

describe('every page', () => {
  beforeAll(async () => {
    const channel = await asOwner<{ id: string }>('POST', '/v1/channels', {
      type: 'webhook',
      name: 'On-call webhook',
      config: { url: `${hook.url}/hook` },
    });
    const monitor = await asOwner<{ id: string }>(
      'POST',
      '/v1/monitors',
      fastHttpMonitor(target.url, [channel.id]),
    );
    seeded.monitorId = monitor.id;
    await asOwner('POST', '/v1/status-pages', {
      slug: SLUG,
      title: 'Pages Test status',
      monitorIds: [monitor.id],
    });
    const now = Date.now();
    await asOwner('POST', '/v1/maintenance-windows', {
      name: 'Database upgrade',
      monitorIds: [monitor.id],
      startsAt: new Date(now + 86_400_000).toISOString(),
      endsAt: new Date(now + 90_000_000).toISOString(),
    });
    await asOwner('POST', '/v1/members', { email: 'new.hire@pages.example', role: 'member' });
    await asOwner('POST', '/v1/api-keys', { name: 'CI deploy script', role: 'member' });
    // An outage, so the monitor's page shows failed checks and the incidents page an incident.
    await waitFor(
      'the monitor to report its first checks',
      async () =>
        (await asOwner<{ items: unknown[] }>('GET', `/v1/monitors/${monitor.id}/results`)).items.length > 1,
      { timeoutMs: 30_000 },
    );
    target.setStatus(503);
    await waitFor(
      'an open incident',
      async () => {
        const incidents = await asOwner<{ items: { id: string }[] }>('GET', '/v1/incidents?status=open');
        seeded.incidentId = incidents.items[0]?.id ?? '';
        return seeded.incidentId !== '';
      },
      { timeoutMs: 30_000 },
    );
  }, 90_000);

  it.for(PAGES)(
    '$name fits 390 px and 1280 px without sideways scroll and with no serious axe violation',
    { timeout: 180_000 },
    async (c) => {
      const page = await { member, visitor, reader }[c.as].newPage();
      const found: Record<string, { scrollWidth?: number; wider?: string[]; axe?: A11yViolation[] }> = {};
      try {
        for (const viewport of VIEWPORTS) {
          await page.setViewportSize({ width: viewport.width, height: viewport.height });
          await visit(page, c);
          await saveScreenshot(page, `${c.name}-${viewport.label}`);
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          const axe = await seriousA11yViolations(page);
          if (scrollWidth > viewport.width || axe.length > 0)
            found[viewport.label] = {
              ...(scrollWidth > viewport.width ? { scrollWidth, wider: await widerThanScreen(page) } : {}),
              ...(axe.length ? { axe } : {}),
            };
        }
      } finally {
        await page.close();
      }
      expect(found).toEqual({});
    },
  );
});

describe('details', () => {
  it('answers an unknown status-page slug with a real 404, and a known one with 200', async () => {
    const unknown = await fetch(`${stack.web}/status/no-such-slug`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Status page not found');
    const known = await fetch(`${stack.web}/status/${SLUG}`);
    expect(known.status).toBe(200);
  });

  it('shows recent checks as cards on a phone, failures with their cause', async () => {
    const page = await member.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.web}/monitors/${seeded.monitorId}`);
    const rows = page.locator('table.table--cards tbody tr');
    // The checks come from the API after the page shows: slower beside the rest of the suite.
    await rows.first().waitFor({ timeout: 60_000 });
    const card = await rows.first().evaluate((row) => {
      const style = getComputedStyle(row);
      const cells = [...row.querySelectorAll('td')].filter((td) => getComputedStyle(td).display !== 'none');
      return {
        display: style.display,
        width: row.getBoundingClientRect().width,
        labels: cells.map((td) => getComputedStyle(td, '::before').content),
      };
    });
    expect(card.display).toBe('grid');
    expect(card.width).toBeLessThanOrEqual(390);
    expect(card.labels).toEqual(expect.arrayContaining(['"Checked"', '"Result"', '"Latency"']));
    const failed = page.locator('table.table--cards tbody tr').filter({ hasText: 'Failed' }).first();
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.locator('td.details').textContent()).toContain('503');
    await saveScreenshot(page, 'monitor-checks-phone');
    await page.close();
  }, 120_000);

  it('links the API-keys page to the API reference at /docs, which loads without a CSP violation', async () => {
    const page = await member.newPage();
    await page.goto(`${stack.web}/settings/api-keys`);
    const link = page.getByRole('link', { name: 'API reference' });
    const href = await link.getAttribute('href', { timeout: 60_000 });
    const apiPort = new URL(stack.api).port;
    expect(href).toBe(`http://localhost:${apiPort}/docs`);

    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    await link.click();
    await page.waitForURL((url) => url.port === apiPort && url.pathname.startsWith('/docs'));
    // The reference resolves the whole OpenAPI document first (see PAGES above): up to a minute under load.
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
    // Drawn by scripts after the document loaded: a blocked style or script would have been reported.
    await page.locator('.opblock-summary-method').first().waitFor();
    expect(violations).toEqual([]);
    await page.close();
  }, 180_000);
});
