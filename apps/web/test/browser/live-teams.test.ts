import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fastHttpMonitor, startTarget } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';
import { type RunningStack, startStack } from './support/stack';

// Live updates, organizations and the phone menu in headless Chromium against the real stack.

const PASSWORD = 'correct horse battery';
/** The promise of the live stream: a committed change shows on an open page this soon, with no reload. */
const LIVE_MS = 2_000;
/** Without the stream: one poll interval of the dashboard (10 s), with room for the request on a busy machine. */
const POLL_MS = 15_000;

let db: TestDatabase;
let stack: RunningStack;
let browser: Browser;
let target: Awaited<ReturnType<typeof startTarget>>;
const contexts: BrowserContext[] = [];
let owner: Page;
let member: Page;
let monitorPath = '';

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startTarget();
  [stack, browser] = await Promise.all([startStack(db.url), launchChromium()]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await target?.close();
  await db?.drop();
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  const pages = contexts.flatMap((c) => c.pages());
  await Promise.all(pages.map((p, i) => saveScreenshot(p, `live-teams-failed-${i}`).catch(() => undefined)));
});

async function newVisitor(width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  contexts.push(context);
  return context.newPage();
}

async function signUp(page: Page, email: string, organizationName: string): Promise<void> {
  await page.goto(`${stack.web}/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill(organizationName);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
}

/** An access token of `email` in its first organization, from the API itself. */
async function tokenOf(email: string): Promise<string> {
  const res = await fetch(`${stack.api}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

async function expectNoSeriousViolations(page: Page, name: string): Promise<void> {
  expect(await seriousA11yViolations(page), `${name}: serious axe violations`).toEqual([]);
}

describe('live updates, organizations and the phone menu', () => {
  it('shows a monitor going down on its open page within 2 s of the verifier deciding it, without a reload, and badges the open incident', async () => {
    owner = await newVisitor();
    await signUp(owner, 'owner@live.example', 'Live Org');
    const token = await tokenOf('owner@live.example');
    const monitor = await api<{ id: string }>(token, 'POST', '/v1/monitors', {
      ...fastHttpMonitor(target.url, []),
      name: 'Live target',
    });
    monitorPath = `/monitors/${monitor.id}`;
    await owner.goto(`${stack.web}${monitorPath}`);
    const status = owner.locator('.page-header__status .badge');
    await status.getByText('Up', { exact: true }).waitFor({ timeout: 30_000 });
    await owner.locator('.live-status--live').waitFor();
    await owner.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    const badge = owner.locator('.app-header__nav [data-testid="open-incidents-badge"]');
    expect(await badge.count()).toBe(0);

    await target.close();
    const decided = await waitFor(
      'the verifier to decide the monitor is down',
      async () => {
        const row = await db.db
          .selectFrom('monitor_state')
          .select('status')
          .where('monitor_id', '=', monitor.id)
          .executeTakeFirst();
        return row?.status === 'down' ? Date.now() : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 25 },
    );
    await status.getByText('Down', { exact: true }).waitFor({ timeout: LIVE_MS });
    const seenAfterMs = Date.now() - decided;
    process.stdout.write(`the page showed Down ${seenAfterMs} ms after the verifier decided it\n`);
    await badge.getByText('1').waitFor({ timeout: LIVE_MS });
    expect(seenAfterMs).toBeLessThanOrEqual(LIVE_MS);
    expect(await owner.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );
    expect(await owner.getByRole('link', { name: /^Incidents\W*1 open$/ }).count()).toBe(1);
    await saveScreenshot(owner, 'live-monitor-down');
    await expectNoSeriousViolations(owner, 'monitor page');
  }, 120_000);

  it('falls back to polling when the event stream cannot be reached, and still shows a state change without a reload', async () => {
    const polled = await startTarget();
    try {
      const token = await tokenOf('owner@live.example');
      const monitor = await api<{ id: string }>(token, 'POST', '/v1/monitors', {
        ...fastHttpMonitor(polled.url, []),
        name: 'Polled target',
      });
      // The same signed-in session, in a tab whose event stream never connects.
      const page = await owner.context().newPage();
      let streamAttempts = 0;
      await page.route('**/v1/events', (route) => {
        streamAttempts += 1;
        return route.abort();
      });
      await page.goto(`${stack.web}/monitors/${monitor.id}`);
      const status = page.locator('.page-header__status .badge');
      await status.getByText('Up', { exact: true }).waitFor({ timeout: 30_000 });
      await page.locator('.live-status--polling').waitFor();
      expect(streamAttempts).toBeGreaterThan(0);
      await page.evaluate(() => {
        (window as unknown as { sameDocument: boolean }).sameDocument = true;
      });

      polled.setStatus(503);
      const decided = await waitFor(
        'the verifier to decide the polled monitor is down',
        async () => {
          const row = await db.db
            .selectFrom('monitor_state')
            .select('status')
            .where('monitor_id', '=', monitor.id)
            .executeTakeFirst();
          return row?.status === 'down' ? Date.now() : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 25 },
      );
      // Without the stream, the page's own poll (POLL_INTERVAL_MS, 10 s) brings the change.
      await status.getByText('Down', { exact: true }).waitFor({ timeout: POLL_MS });
      process.stdout.write(
        `polling: the page showed Down ${Date.now() - decided} ms after the verifier decided it\n`,
      );
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
        true,
      );
      await page.close();
    } finally {
      await polled.close();
    }
  }, 120_000);

  it('lets a member invited to a second organization accept while signed in, and switch between both from the navigation', async () => {
    member = await newVisitor();
    await signUp(member, 'member@home.example', 'Member Home');
    await db.db
      .updateTable('users')
      .set({ email_verified_at: new Date() })
      .where('email', '=', 'member@home.example')
      .execute();
    await api(await tokenOf('owner@live.example'), 'POST', '/v1/members', {
      email: 'member@home.example',
      role: 'member',
    });

    await member.getByRole('link', { name: 'Invitations' }).click();
    await member.getByRole('heading', { name: 'Live Org', level: 3 }).waitFor();
    await saveScreenshot(member, 'invitations');
    await expectNoSeriousViolations(member, 'invitations page');
    await member.getByRole('button', { name: 'Accept and join Live Org' }).click();
    await member.waitForURL((url) => url.pathname === '/');
    const org = member.locator('.app-header__org');
    await org.getByText('Live Org').waitFor();
    // Live Org's monitor is what this session sees now.
    await member.getByRole('rowheader').getByRole('link', { name: 'Live target' }).waitFor();

    const switcher = member.getByRole('form', { name: 'Switch organization' });
    await switcher.getByLabel('Current organization').selectOption({ label: 'Member Home (owner)' });
    await switcher.getByRole('button', { name: 'Switch organization' }).click();
    await org.getByText('Member Home').waitFor();
    await member.getByRole('heading', { name: 'No monitors yet' }).waitFor();

    await switcher.getByLabel('Current organization').selectOption({ label: 'Live Org (member)' });
    await switcher.getByRole('button', { name: 'Switch organization' }).click();
    await org.getByText('Live Org').waitFor();
    await member.getByRole('rowheader').getByRole('link', { name: 'Live target' }).waitFor();
    // The session really acts in Live Org now, not just the header.
    await member.reload();
    await org.getByText('Live Org').waitFor();
    await saveScreenshot(member, 'switched-organization');
    await expectNoSeriousViolations(member, 'monitors page with the switcher');
  }, 120_000);

  it('collapses the navigation behind an accessible menu button at 390 px, with no sideways scroll', async () => {
    await member.setViewportSize({ width: 390, height: 844 });
    for (const [name, route] of [
      ['monitors', '/'],
      ['monitor', monitorPath],
      ['invitations', '/settings/invitations'],
      ['incidents', '/incidents'],
    ] as const) {
      await member.goto(`${stack.web}${route}`);
      await member.locator('main h1').first().waitFor();
      const menu = member.getByRole('button', { name: /^Menu/ });
      await menu.waitFor();
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await member.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
      const width = await member.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${name} fits a 390 px screen`).toBeLessThanOrEqual(390);
      await saveScreenshot(member, `live-teams-${name}-phone`);
    }

    const menu = member.getByRole('button', { name: /^Menu/ });
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    const nav = member.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    expect(await member.evaluate(() => document.activeElement?.textContent)).toBe('Monitors');
    expect(await member.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot(member, 'navigation-open-phone');
    await expectNoSeriousViolations(member, 'open phone menu');

    await member.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);
    expect(await member.evaluate(() => document.activeElement?.getAttribute('aria-controls'))).toBe(
      'main-navigation',
    );

    await menu.click();
    await nav.getByRole('link', { name: 'Channels' }).click();
    await member.waitForURL((url) => url.pathname === '/channels');
    await member.getByRole('button', { name: /^Menu/, expanded: false }).waitFor({ timeout: 5_000 });
    expect(await nav.isVisible()).toBe(false);
  }, 120_000);
});
