import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@sentinelmesh/core';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../../../test/support/http-fixtures';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';
import { type RunningStack, startStack } from './support/stack';

let db: TestDatabase;
let stack: RunningStack;
let browser: Browser;
let page: Page;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let deadUrl = '';
let deadSecret = '';
let bareMonitorPath = '';

/** A URL nothing listens on: its port was bound, then released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

const card = (name: string): Locator => page.locator('.channel-card', { hasText: name });
const createForm = (): Locator =>
  page.locator('form', { has: page.getByRole('heading', { name: 'Add a channel' }) });

/** Adds a webhook channel through the form; returns the signing secret it shows once. */
async function addWebhook(name: string, url: string, isDefault: boolean): Promise<string> {
  const form = createForm();
  await form.getByLabel('Type').selectOption('webhook');
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('URL to POST alerts to').fill(url);
  if (isDefault) await form.getByLabel(/Default for new monitors/).check();
  await form.getByRole('button', { name: 'Add channel' }).click();
  await card(name).waitFor();
  const shown = form.locator('.banner--success', { hasText: name }).locator('code');
  return (await shown.textContent()) ?? '';
}

const testsReceived = () => receiver.received.filter((r) => r.body.event === 'test');

async function sendTest(name: string): Promise<string> {
  const one = card(name);
  await one.getByRole('button', { name: /Send test/ }).click();
  const result = one.locator('.test-result');
  await result.waitFor({ timeout: 30_000 });
  return (await result.textContent()) ?? '';
}

/** The page's width fits a 390 px phone: nothing scrolls sideways. */
async function fitsPhone(): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  deadUrl = await closedPortUrl();
  [stack, browser] = await Promise.all([startStack(db.url), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.web}/signup`);
  await page.getByLabel('Email').fill('channels@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Organization name').fill('Channel Browser Org');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await receiver?.close();
  await db?.drop();
}, 60_000);

describe('alert channels in headless Chromium against the real stack', () => {
  it('sends a test to a live receiver and to a closed port, and reports what really happened', async () => {
    await page.goto(`${stack.web}/channels`);
    await addWebhook('Live hook', `${receiver.url}/live`, true);
    deadSecret = await addWebhook('Dead hook', deadUrl, false);
    expect(deadSecret).toMatch(/^whsec_/);
    expect(await card('Live hook').textContent()).toContain('Default');
    expect(await card('Dead hook').textContent()).not.toContain('Default');

    expect(await sendTest('Live hook')).toMatch(/^Delivered: 200 in \d+ ms$/);
    expect(testsReceived()).toHaveLength(1);
    expect(await sendTest('Dead hook')).toMatch(/^Failed: connection refused/);
    await saveScreenshot(page, 'channels-test-outcomes');
  }, 90_000);

  it('edits a channel in place: name and URL change, the signing secret is kept', async () => {
    const before = await db.db
      .selectFrom('channels')
      .select(['id', 'secrets'])
      .where('name', '=', 'Dead hook')
      .executeTakeFirstOrThrow();
    const dead = card('Dead hook');
    await dead.getByRole('button', { name: /^Edit/ }).click();
    const form = dead.locator('form');
    expect(await form.getByLabel('Signing secret (optional)').inputValue()).toBe('');
    expect(await form.locator('.field__hint').allTextContents()).toContainEqual(
      expect.stringContaining('Leave empty to keep the current one (whsec_…'),
    );
    await form.getByLabel('Name', { exact: true }).fill('Fixed hook');
    await form.getByLabel('URL to POST alerts to').fill(`${receiver.url}/fixed`);
    await form.getByRole('button', { name: 'Save changes' }).click();

    const fixed = card('Fixed hook');
    await fixed.waitFor();
    await form.waitFor({ state: 'detached' });
    expect(await fixed.textContent()).toContain(`${receiver.url}/fixed`);
    const after = await db.db
      .selectFrom('channels')
      .select(['name', 'config', 'secrets'])
      .where('id', '=', before.id)
      .executeTakeFirstOrThrow();
    expect(after.name).toBe('Fixed hook');
    expect(after.config).toEqual({ url: `${receiver.url}/fixed` });
    expect(after.secrets).not.toBeNull();

    expect(await sendTest('Fixed hook')).toMatch(/^Delivered: 200 in \d+ ms$/);
    // The new URL got it (and maybe the retry of the earlier failed test), signed with the secret
    // the channel had before the edit.
    const now = Math.floor(Date.now() / 1000);
    const afterEdit = testsReceived().slice(1);
    expect(afterEdit.length).toBeGreaterThan(0);
    for (const hit of afterEdit) {
      const signature = String(hit.headers['x-sentinel-signature']);
      expect(verifyWebhookSignature([deadSecret], hit.rawBody, signature, now)).toBe(true);
    }
  }, 60_000);

  it('names the monitor of each alert in the delivery log', async () => {
    const org = await db.db
      .selectFrom('organizations')
      .select('id')
      .where('name', '=', 'Channel Browser Org')
      .executeTakeFirstOrThrow();
    const channel = await db.db
      .selectFrom('channels')
      .select('id')
      .where('name', '=', 'Live hook')
      .executeTakeFirstOrThrow();
    const monitorId = await createMonitorInForm('Checkout API');
    await db.db
      .insertInto('alerts')
      .values({
        org_id: org.id,
        incident_id: null,
        monitor_id: monitorId,
        channel_id: channel.id,
        event: 'monitor.down',
        status: 'sent',
        payload: JSON.stringify({ event: 'monitor.down', monitor: { id: monitorId, name: 'Checkout API' } }),
      })
      .execute();
    await page.goto(`${stack.web}/channels`);
    const row = page.locator('#deliveries-caption ~ tbody tr', { hasText: 'monitor.down' });
    await row.waitFor();
    expect(await row.getByRole('link', { name: 'Checkout API' }).getAttribute('href')).toBe(
      `/monitors/${monitorId}`,
    );
    expect(await page.locator('#deliveries-caption ~ tbody tr', { hasText: 'Channel test' }).count()).toBe(3);
  }, 60_000);

  it('preselects the default channel on a new monitor and warns when no channel is left', async () => {
    await page.goto(`${stack.web}/monitors/new`);
    const live = page.getByLabel(/Live hook/);
    await expect.poll(() => live.isChecked(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByLabel(/Fixed hook/).isChecked()).toBe(false);
    const warning = page.getByText('No channel selected: nobody will be alerted');
    expect(await warning.count()).toBe(0);

    await live.uncheck();
    await warning.waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'new-monitor-no-channel');

    await page.getByLabel('Name', { exact: true }).fill('Unwatched');
    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/target`);
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.waitForURL(
      (url) => /^\/monitors\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/new'),
    );
    bareMonitorPath = new URL(page.url()).pathname;
    const banner = page.locator('.no-channel-warning');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('No alert channel.');
    expect(await banner.getByRole('link', { name: 'Choose channels' }).getAttribute('href')).toBe(
      `${bareMonitorPath}/edit`,
    );
    // After a client-side navigation the page's metadata (its <title>) streams in after the content.
    await page.waitForFunction(() => document.title !== '');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'monitor-no-channel');
  }, 60_000);

  it('has no serious axe-core violation and no sideways scroll at 390 px, with cards for channels and deliveries', async () => {
    await page.goto(`${stack.web}/channels`);
    await card('Live hook').waitFor();
    await card('Live hook').getByRole('button', { name: /^Edit/ }).click();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'channels-edit');

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, route] of [
      ['channels-phone', '/channels'],
      ['monitor-no-channel-phone', bareMonitorPath],
      ['new-monitor-channels-phone', '/monitors/new'],
    ] as const) {
      await page.goto(`${stack.web}${route}`);
      await page.locator('main h1').first().waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      if (name === 'channels-phone') {
        await card('Live hook').waitFor();
        await card('Live hook').getByRole('button', { name: /^Edit/ }).click();
        // The delivery log's rows are cards: the column headers are hidden, each cell names itself.
        await page.locator('#deliveries-caption ~ tbody tr').first().waitFor();
        const row = page.locator('#deliveries-caption ~ tbody tr').first();
        expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
        const header = await page.locator('#deliveries-caption ~ thead').boundingBox();
        expect(header?.width ?? 0).toBeLessThanOrEqual(1);
      }
      expect(await fitsPhone(), `${name} fits a 390 px screen`).toBeLessThanOrEqual(390);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await saveScreenshot(page, name);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 90_000);
});

/** Creates a monitor through the dashboard's form, with whatever channels it preselects. */
async function createMonitorInForm(name: string): Promise<string> {
  await page.goto(`${stack.web}/monitors/new`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/target`);
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await page.waitForURL((url) => /^\/monitors\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
  return new URL(page.url()).pathname.split('/').pop() ?? '';
}
