import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTarget } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import { MONITOR_PAGE_SIZE } from '../../src/lib/monitor-list';
import {
  hydrated,
  launchChromium,
  saveScreenshot,
  screenshotDir,
  seriousA11yViolations,
} from './support/chromium';
import { seedManyMonitors } from './support/seed';
import { type RunningStack, startStack } from './support/stack';

// The dashboard polls every 10 s, so each visible change may take one poll after the fact.
const SEES_CHANGE_MS = 40_000;

let db: TestDatabase;
let stack: RunningStack;
let browser: Browser;
let page: Page;
let target: Awaited<ReturnType<typeof startTarget>>;
let slack: Awaited<ReturnType<typeof startReceiver>>;
let monitorPath = '';

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startTarget();
  slack = await startReceiver();
  [stack, browser] = await Promise.all([startStack(db.url), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await target?.close();
  await slack?.close();
  await db?.drop();
}, 60_000);

describe('the dashboard in headless Chromium against the real stack', () => {
  it('signs up, adds a Slack and a Discord channel, creates a monitor through the form, sees it UP, then DOWN with an incident without reloading, acknowledges it, and stays signed in after a reload', async () => {
    await page.goto(`${stack.web}/signup`);
    await hydrated(page);
    await page.getByLabel('Email').fill('oncall@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Organization name').fill('Browser Test Org');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();

    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Alert channels', level: 1 }).waitFor();
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill('#ops-alerts');
    await page.getByLabel('Slack incoming webhook URL').fill(`${slack.url}/services/T0/B0/secret`);
    await page.getByRole('button', { name: 'Add channel' }).click();
    // The new card needs the write and a re-read of the list, beside the rest of the suite.
    await page.locator('.channel-card', { hasText: '#ops-alerts' }).waitFor({ timeout: SEES_CHANGE_MS });

    // Discord comes from the channel registry like every type; its webhook URL is shown masked.
    await page.getByLabel('Type').selectOption('discord');
    await page.getByLabel('Name', { exact: true }).fill('#dev-alerts');
    await page.getByLabel('Discord webhook URL').fill(`${slack.url}/api/webhooks/42/SECRET-token-abcd`);
    await page.getByRole('button', { name: 'Add channel' }).click();
    const discordRow = page.locator('.channel-card', { hasText: '#dev-alerts' });
    await discordRow.getByText('Discord', { exact: true }).waitFor({ timeout: SEES_CHANGE_MS });
    expect(await discordRow.textContent()).toContain('/…abcd');
    expect(await discordRow.textContent()).not.toContain('SECRET-token');

    await page.getByRole('link', { name: 'Monitors' }).click();
    await page.getByRole('link', { name: 'Create your first monitor' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Local target');
    await page.getByLabel('URL', { exact: true }).fill(target.url);
    await page.getByLabel('Check every (seconds)').fill('2');
    await page.getByLabel('Re-check after a failure (seconds)').fill('1');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.locator('#assertion-1-value').fill('ok');
    await page.getByLabel(/#ops-alerts/).check();
    await page.getByRole('button', { name: 'Create monitor' }).click();

    await page.waitForURL(
      (url) => /^\/monitors\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/new'),
    );
    monitorPath = new URL(page.url()).pathname;
    const status = page.locator('.page-header__status .badge');
    await status.getByText('Up', { exact: true }).waitFor({ timeout: SEES_CHANGE_MS });

    target.setStatus(500);
    await status.getByText('Down', { exact: true }).waitFor({ timeout: SEES_CHANGE_MS });
    const acknowledge = page.getByRole('button', { name: 'Acknowledge' });
    await acknowledge.waitFor({ timeout: SEES_CHANGE_MS });
    expect(await page.locator('.why').textContent()).toContain('500');

    await waitFor('the down alert to reach Slack', () => slack.received.length > 0, { timeoutMs: 20_000 });
    await acknowledge.click();
    await acknowledge.waitFor({ state: 'detached', timeout: SEES_CHANGE_MS });
    expect(await page.locator('#incidents-title ~ * table tbody tr').first().textContent()).toMatch(
      /just now|s ago/,
    );

    await page.reload();
    await page.getByRole('heading', { name: 'Local target', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(monitorPath);
    await saveScreenshot(page, 'monitor-down');
  }, 120_000);

  it('names a degraded region and since when on every signed-in page, without a reload, and drops the banner once the region is live again', async () => {
    const org = await db.db
      .selectFrom('organizations')
      .select('id')
      .where('name', '=', 'Browser Test Org')
      .executeTakeFirstOrThrow();
    const banner = page.getByRole('status').getByRole('region', { name: 'Degraded regions' });

    // Every region live: the dashboard has read /v1/regions and shows nothing.
    const firstRead = page.waitForResponse((res) => new URL(res.url()).pathname.endsWith('/v1/regions'));
    await page.goto(`${stack.web}/`);
    const live = await (await firstRead).json();
    expect(live).toEqual({ items: [{ region: 'local', status: 'live', since: null }] });
    await page.locator('.monitors-table tbody tr').first().waitFor();
    expect(await banner.count()).toBe(0);

    // What the verifier writes when the region goes silent for two intervals plus the allowed lateness.
    const since = new Date();
    await db.db
      .insertInto('region_notices')
      .values({ org_id: org.id, region: 'local', event: 'region.degraded', created_at: since })
      .execute();
    await banner.waitFor({ timeout: SEES_CHANGE_MS });
    expect(await banner.textContent()).toContain('Region local is not reporting since');
    expect(await banner.textContent()).toContain('outages are judged over the live regions');
    expect(await banner.locator('time').getAttribute('datetime')).toBe(since.toISOString());
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto(`${stack.web}${monitorPath}`);
    await banner.waitFor();
    await saveScreenshot(page, 'region-degraded');

    await db.db
      .insertInto('region_notices')
      .values({
        org_id: org.id,
        region: 'local',
        event: 'region.restored',
        created_at: new Date(since.getTime() + 1_000),
      })
      .execute();
    await banner.waitFor({ state: 'detached', timeout: SEES_CHANGE_MS });
  }, 120_000);

  it('has no serious or critical axe-core violation on the main pages, at desktop and phone widths', async () => {
    const pages: [string, string][] = [
      ['overview', '/'],
      ['monitor', monitorPath || '/'],
      ['new-monitor', '/monitors/new'],
      ['incidents', '/incidents'],
      ['channels', '/channels'],
      ['maintenance', '/maintenance'],
      ['api-keys', '/settings/api-keys'],
      ['members', '/settings/members'],
      ['status-pages', '/status-pages'],
    ];
    const found: Record<string, unknown> = {};
    for (const [name, route] of pages) {
      await page.goto(`${stack.web}${route}`);
      await page.locator('main h1').first().waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      await saveScreenshot(page, name);
      const violations = await seriousA11yViolations(page);
      if (violations.length > 0) found[name] = violations;
    }

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, route] of [pages[0], pages[1], pages[2]] as [string, string][]) {
      await page.goto(`${stack.web}${route}`);
      await page.locator('main h1').first().waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      await saveScreenshot(page, `${name}-phone`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${name} fits a 390 px screen`).toBeLessThanOrEqual(390);
    }

    const visitor = await browser.newPage();
    for (const [name, route] of [
      ['login', '/login'],
      ['signup', '/signup'],
    ] as const) {
      await visitor.goto(`${stack.web}${route}`);
      await visitor.locator('main h1').first().waitFor();
      await saveScreenshot(visitor, name);
      const violations = await seriousA11yViolations(visitor);
      if (violations.length > 0) found[name] = violations;
    }
    await visitor.close();
    expect(found).toEqual({});
  }, 90_000);

  // How fast this feels is measured, not asserted: the figures go to test-artifacts/web-overview-10k.json.
  it('shows an organization with 10,000 monitors one page at a time, and filters them on the server by name and by status', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const big = await context.newPage();
    await big.goto(`${stack.web}/signup`);
    await hydrated(big);
    await big.getByLabel('Email').fill('big@example.com');
    await big.getByLabel('Password').fill('correct horse battery');
    await big.getByLabel('Organization name').fill('Ten Thousand');
    await big.getByRole('button', { name: 'Create organization' }).click();
    await big.getByRole('heading', { name: 'No monitors yet' }).waitFor();
    const org = await db.db
      .selectFrom('organizations')
      .select('id')
      .where('name', '=', 'Ten Thousand')
      .executeTakeFirstOrThrow();
    await seedManyMonitors(db.db, org.id, 10_000);

    // Every read of the list the page makes, with the query it sent and how many monitors came back.
    const listReads: { query: URLSearchParams; items: number }[] = [];
    big.on('response', async (res) => {
      const url = new URL(res.url());
      if (url.pathname !== '/api/v1/monitors' || res.request().method() !== 'GET' || !res.ok()) return;
      const body = (await res.json().catch(() => null)) as { items?: unknown[] } | null;
      listReads.push({ query: url.searchParams, items: body?.items?.length ?? -1 });
    });
    const readWith = (key: string, value: string) =>
      waitFor(`a list read with ${key}=${value}`, () => listReads.some((r) => r.query.get(key) === value), {
        timeoutMs: SEES_CHANGE_MS,
      });

    const started = Date.now();
    await big.reload();
    await big.locator('.monitors-table tbody tr').first().waitFor({ timeout: SEES_CHANGE_MS });
    const firstRenderMs = Date.now() - started;
    const rows = await big.locator('.monitors-table tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(MONITOR_PAGE_SIZE);
    // The list asks for one page; the "down now" panel beside it asks for fewer. Nothing reads all.
    expect(listReads.some((r) => Number(r.query.get('limit')) === MONITOR_PAGE_SIZE)).toBe(true);
    for (const read of listReads) {
      const limit = Number(read.query.get('limit'));
      expect(limit).toBeGreaterThan(0);
      expect(limit).toBeLessThanOrEqual(MONITOR_PAGE_SIZE);
      expect(read.items).toBeLessThanOrEqual(limit);
    }

    const typed = Date.now();
    await big.getByLabel('Search').fill('svc-4321');
    await readWith('q', 'svc-4321');
    await big.locator('.monitors-table tbody tr').filter({ hasText: 'svc-4321' }).first().waitFor();
    await big.waitForFunction(() => document.querySelectorAll('.monitors-table tbody tr').length === 1);
    const searchMs = Date.now() - typed;

    await big.getByLabel('Search').fill('');
    const picked = Date.now();
    await big.getByLabel('Status').selectOption('down');
    await readWith('status', 'down');
    await big.waitForFunction(() => {
      const badges = [
        ...document.querySelectorAll('.monitors-table tbody tr td[data-label="Status"] .badge'),
      ];
      return badges.length > 0 && badges.every((b) => b.textContent === 'Down');
    });
    const statusMs = Date.now() - picked;
    await saveScreenshot(big, 'overview-10k-down');
    const figures = {
      monitors: 10_000,
      rowsRendered: rows,
      firstRenderMs,
      searchMs,
      statusFilterMs: statusMs,
    };
    writeFileSync(path.join(screenshotDir, '..', 'web-overview-10k.json'), `${JSON.stringify(figures)}\n`);
    process.stdout.write(`overview with 10,000 monitors: ${JSON.stringify(figures)}\n`);
    await context.close();
  }, 120_000);
});
