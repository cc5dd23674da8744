import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCall, signUpOwner, startTestStack, type TestStack } from '../../../../test/support/stack';
import { waitFor } from '../../../../test/support/wait';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';

// The status page editor's components, branding, custom domain and badges, and the public page they
// make: served by Host on its custom domain by the real dashboard server, and readable (axe).

const EMAIL = 'brand@example.com';
const SLUG = 'brand-status';
const DOMAIN = 'status.customer.test';
// A very light brand colour: white text on it would fail contrast, so the page must pick black.
const BRAND = '#ffd400';

let db: TestDatabase;
let stack: TestStack;
let browser: Browser;
let page: Page;
let api: ApiCall;
const monitors = { checkout: '', search: '' };

/** A GET to the dashboard server with the Host header a browser on `host` would send. */
async function getAs(host: string, path: string) {
  const res = await request(`${stack.web}${path}`, { method: 'GET', headers: { host } });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

beforeAll(async () => {
  db = await createTestDatabase();
  [stack, browser] = await Promise.all([
    startTestStack({ databaseUrl: db.url, apps: 'api,web', timeoutMs: 300_000 }),
    launchChromium(),
  ]);
  api = await signUpOwner(stack.api, EMAIL, 'Brand Org');
  const monitor = { type: 'http', url: 'https://example.com/health', intervalSeconds: 300 };
  monitors.checkout = (await api('POST', '/v1/monitors', { name: 'Checkout', ...monitor })).id;
  monitors.search = (await api('POST', '/v1/monitors', { name: 'Search', ...monitor })).id;
  await db.db.updateTable('monitor_state').set({ status: 'up' }).execute();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.web}/login`);
  await page.waitForFunction(() => {
    const form = document.querySelector('main form');
    return form !== null && Object.keys(form).some((key) => key.startsWith('__reactProps'));
  });
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
}, 60_000);

describe('the status page editor', () => {
  it('publishes a page with components in the order set, branding, a custom domain and badges', async () => {
    await page.goto(`${stack.web}/status-pages`);
    const form = page.locator('form[aria-labelledby="sp-form-title"]');
    await form.getByLabel('Title').fill('Brand status');
    await form.getByLabel('Address', { exact: true }).fill(SLUG);
    await form.getByRole('group', { name: 'Monitors shown' }).getByLabel('Checkout').check();
    await form.getByRole('group', { name: 'Monitors shown' }).getByLabel('Search').check();
    await form.getByRole('button', { name: 'Add component' }).click();
    await form.getByLabel('Component 1 name').fill('Storefront');
    await form.getByRole('group', { name: 'Monitors in component 1' }).getByLabel('Checkout').check();
    await form.getByRole('button', { name: 'Add component' }).click();
    await form.getByLabel('Component 2 name').fill('Backend');
    await form.getByRole('group', { name: 'Monitors in component 2' }).getByLabel('Search').check();
    await form.getByRole('button', { name: 'Move component 2 up' }).click();
    await form.getByLabel('Description', { exact: true }).fill('Live status of the brand shop');
    await form.getByLabel('Logo URL').fill('https://127.0.0.1:1/logo.png');
    await form.getByLabel('Brand colour').fill(BRAND);
    await form.getByLabel('Footer text').fill('Questions? Write to support.');
    await form.getByRole('button', { name: 'Add link' }).click();
    await form.getByLabel('Link 1 label').fill('Support');
    await form.getByLabel('Link 1 address').fill('https://support.customer.test/');
    await form.getByLabel('Custom domain').fill('Status.Customer.Test');
    await form.getByLabel("Serve status, uptime and latency badges of the page's monitors").check();
    await form.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published status page Brand status.').waitFor();

    const saved = (await api('GET', '/v1/status-pages')).items[0];
    expect(saved).toMatchObject({
      slug: SLUG,
      components: [
        { name: 'Backend', monitorIds: [monitors.search] },
        { name: 'Storefront', monitorIds: [monitors.checkout] },
      ],
      description: 'Live status of the brand shop',
      brandColor: BRAND,
      footerText: 'Questions? Write to support.',
      links: [{ label: 'Support', url: 'https://support.customer.test/' }],
      customDomain: DOMAIN,
      badgesEnabled: true,
    });
  }, 120_000);

  it('shows the badge embed code on edit, and renames a component', async () => {
    await page.getByRole('button', { name: 'Edit Brand status' }).click();
    const snippet = page.getByTestId('badge-snippet');
    await snippet.waitFor();
    const code = await snippet.textContent();
    expect(code).toContain(`/v1/public/badges/${SLUG}/${monitors.search}/status.svg`);
    const badgeUrl = code?.match(/\((http[^)]+)\)/)?.[1] ?? '';
    const svg = await fetch(badgeUrl);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await svg.text()).toContain('>up</text>');

    await page.getByLabel('Component 2 name').fill('Shop front');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved status page Brand status.').waitFor();
    const saved = (await api('GET', '/v1/status-pages')).items[0];
    expect(saved.components.map((c: { name: string }) => c.name)).toEqual(['Backend', 'Shop front']);
  }, 120_000);
});

describe('the public page', () => {
  it('is served at / for its custom domain, and an unknown host gets the normal app', async () => {
    // The page's HTML is kept for up to 10 s, and the dashboard's shared cache holds it up to 5 s more
    // (docs/status-pages.md): the rename shows within that.
    let mine = await getAs(DOMAIN, '/');
    await waitFor(
      'the custom domain to serve the renamed component',
      async () => {
        mine = await getAs(DOMAIN, '/');
        return mine.body.includes('Shop front');
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(mine.status).toBe(200);
    // Answered by the dashboard's shared cache of status pages (apps/web/server/page-cache.ts).
    expect(mine.headers['x-page-cache']).toMatch(/^(HIT|STALE|MISS)$/);
    expect(mine.body).toContain('Brand status');
    expect(mine.body).toContain('Live status of the brand shop');
    const other = await getAs('other.customer.test', '/');
    expect(other.body).not.toContain('Brand status');
    expect(other.body).not.toContain('Shop front');
    const unknown = await getAs('other.customer.test', '/status/no-such-page');
    expect(unknown.status).toBe(404);
    // Pages of signed-in members never come from it.
    const login = await getAs(DOMAIN, '/login');
    expect(login.status).toBe(200);
    expect(login.headers['x-page-cache']).toBeUndefined();
  }, 60_000);

  it('shows components, branding on a readable colour, footer and links, with no serious axe violation', async () => {
    const visitor = await browser.newContext();
    const view = await visitor.newPage();
    for (const viewport of [
      { width: 1280, height: 900, label: 'desktop' },
      { width: 390, height: 844, label: 'phone' },
    ]) {
      await view.setViewportSize(viewport);
      await view.goto(`${stack.web}/status/${SLUG}`);
      await view.locator('.status-component').first().waitFor();
      // A kept HTML page older than the dashboard's 5 s freshness is read again at once.
      await view.locator('.status-component h2', { hasText: 'Shop front' }).waitFor({ timeout: 30_000 });
      const names = await view.locator('.status-component h2').allTextContents();
      expect(names).toEqual(['Backend', 'Shop front']);
      const band = await view.locator('.status-brand').evaluate((el) => {
        const style = getComputedStyle(el);
        return { background: style.backgroundColor, color: style.color };
      });
      expect(band).toEqual({ background: 'rgb(255, 212, 0)', color: 'rgb(0, 0, 0)' });
      expect(await view.getByRole('link', { name: 'Support' }).getAttribute('href')).toBe(
        'https://support.customer.test/',
      );
      await view.getByText('Questions? Write to support.').waitFor();
      expect(await view.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await saveScreenshot(view, `status-page-branded-${viewport.label}`);
      expect(await seriousA11yViolations(view)).toEqual([]);
    }
    await visitor.close();
  }, 120_000);
});
