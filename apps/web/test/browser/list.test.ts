import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../../../../test/support/http-fixtures';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';
import { type RunningStack, startStack } from './support/stack';

// A self-signed certificate for 127.0.0.1; the stack's apps trust it through NODE_EXTRA_CA_CERTS, as a
// deployment trusts its own private CA, so the worker's TLS check succeeds and records its expiry.
const fixtures = path.resolve(import.meta.dirname, '..', '..', '..', 'worker', 'test', 'fixtures');
const CERT = path.join(fixtures, 'self-signed.crt');
const PASSWORD = 'correct horse battery';
const EMAIL = 'list@example.com';
// One poll of the dashboard (10 s) plus a check; the slot of "check now" is polled every second.
const SEES_CHANGE_MS = 30_000;

let db: TestDatabase;
let stack: RunningStack;
let browser: Browser;
let page: Page;
let https: Server;
let httpsUrl = '';
let target: Awaited<ReturnType<typeof startTarget>>;
let token = '';
const ids: Record<string, string> = {};

async function api<T>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.api}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const row = (name: string) =>
  page.locator('.monitors-table tbody tr').filter({ has: page.getByRole('link', { name, exact: true }) });
const rowNames = () =>
  page.locator('.monitors-table tbody tr th a').evaluateAll((links) => links.map((a) => a.textContent ?? ''));

/** Waits until the list shows exactly these monitors (a filter change shows the old rows meanwhile). */
async function waitForRows(names: string[]): Promise<void> {
  await page.waitForFunction(
    (expected) =>
      JSON.stringify(
        [...document.querySelectorAll('.monitors-table tbody tr th a')].map((a) => a.textContent).sort(),
      ) === JSON.stringify([...expected].sort()),
    names,
  );
}

async function openList(search = ''): Promise<void> {
  await page.goto(`${stack.web}/${search}`);
  await page.locator('.monitors-table tbody tr').first().waitFor();
}

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startTarget();
  https = createHttpsServer(
    { key: readFileSync(path.join(fixtures, 'self-signed.key')), cert: readFileSync(CERT) },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    },
  );
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}/health`;
  [stack, browser] = await Promise.all([startStack(db.url, { NODE_EXTRA_CA_CERTS: CERT }), launchChromium()]);
  const signup = await fetch(`${stack.api}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, organizationName: 'List Org' }),
  });
  token = ((await signup.json()) as { accessToken: string }).accessToken;
  const monitors: Array<[string, Record<string, unknown>]> = [
    ['Shop HTTPS', { type: 'http', url: httpsUrl, tags: ['prod', 'eu'], intervalSeconds: 300 }],
    ['Billing', { type: 'http', url: target.url, tags: ['prod'], intervalSeconds: 300 }],
    ['Docs', { type: 'http', url: target.url, tags: ['staging'], intervalSeconds: 300 }],
    [
      'Mail relay',
      { type: 'tcp', host: '127.0.0.1', port: Number(new URL(target.url).port), intervalSeconds: 300 },
    ],
  ];
  for (const [name, body] of monitors) {
    ids[name] = (await api<{ id: string }>('POST', '/v1/monitors', { name, ...body })).id;
  }
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.web}/login`);
  await page.waitForFunction(() => {
    const form = document.querySelector('main form');
    return form !== null && Object.keys(form).some((key) => key.startsWith('__reactProps'));
  });
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.monitors-table tbody tr').first().waitFor();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await target?.close();
  await new Promise((resolve) => https?.close(resolve));
  await db?.drop();
}, 60_000);

describe('the monitor list in headless Chromium against the real stack', () => {
  it('checks an HTTPS monitor now: the result, a recent-checks tick and the certificate expiry appear without a reload', async () => {
    await openList();
    const shop = row('Shop HTTPS');
    await shop.getByRole('button', { name: 'Check now Shop HTTPS' }).click();
    await shop.getByText(/Checked just now: OK, 200 in \d+ ms/).waitFor({ timeout: SEES_CHANGE_MS });
    await shop.locator('.recent-checks__tick--up').first().waitFor({ timeout: SEES_CHANGE_MS });
    // The fixture's certificate runs to 2126: about a century of days left.
    await shop.getByText(/certificate expires in \d{5} d/).waitFor({ timeout: SEES_CHANGE_MS });
    const results = await api<{ items: Array<{ certExpiresAt: string | null; kind: string }> }>(
      'GET',
      `/v1/monitors/${ids['Shop HTTPS']}/results`,
    );
    expect(results.items.length).toBeGreaterThan(0);
    expect(results.items.every((r) => r.kind === 'scheduled' && r.certExpiresAt?.startsWith('2126'))).toBe(
      true,
    );
    // A plain HTTP monitor shows no certificate line.
    expect(await row('Billing').locator('.cert-expiry').count()).toBe(0);
    await saveScreenshot(page, 'list-checked-now');
  }, 90_000);

  it('filters by a clicked tag, and keeps status, type, tag and search in the address through a reload and back', async () => {
    await openList();
    await row('Docs').getByRole('button', { name: 'Show monitors tagged staging' }).click();
    await page.waitForURL((url) => url.searchParams.get('tag') === 'staging');
    await waitForRows(['Docs']);

    await page.getByLabel('Tag').fill('prod');
    await page.getByLabel('Type', { exact: true }).selectOption('http');
    await page.getByLabel('Search').fill('shop');
    await page.waitForURL(
      (url) => url.searchParams.get('q') === 'shop' && url.searchParams.get('tag') === 'prod',
    );
    await waitForRows(['Shop HTTPS']);
    expect(new URL(page.url()).searchParams.get('type')).toBe('http');

    await page.reload();
    await page.locator('.monitors-table tbody tr').first().waitFor();
    expect(await page.getByLabel('Search').inputValue()).toBe('shop');
    expect(await page.getByLabel('Tag').inputValue()).toBe('prod');
    expect(await page.getByLabel('Type', { exact: true }).inputValue()).toBe('http');
    await waitForRows(['Shop HTTPS']);

    await page.getByRole('link', { name: 'Shop HTTPS', exact: true }).click();
    await page.getByRole('heading', { name: 'Shop HTTPS', level: 1 }).waitFor();
    await page.goBack();
    await page.locator('.monitors-table tbody tr').first().waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('shop');
    expect(await page.getByLabel('Search').inputValue()).toBe('shop');
    await waitForRows(['Shop HTTPS']);

    await page.getByLabel('Status').selectOption('paused');
    await page.getByText('No monitor matches these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('paused');
  }, 90_000);

  it('pauses and resumes the selected monitors in one action', async () => {
    await openList();
    await page.getByLabel('Select Billing').check();
    await page.getByLabel('Select Docs').check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Pause selected' }).click();
    await page.getByText('Paused 2 monitors.').waitFor();
    await row('Billing').getByText('Paused', { exact: true }).waitFor();
    await row('Docs').getByText('Paused', { exact: true }).waitFor();
    expect(await row('Shop HTTPS').getByText('Paused', { exact: true }).count()).toBe(0);

    await page.getByLabel('Select Billing').check();
    await page.getByLabel('Select Docs').check();
    await page.getByRole('button', { name: 'Resume selected' }).click();
    await page.getByText('Resumed 2 monitors.').waitFor();
    await row('Billing').locator('td[data-label="Status"] .badge').filter({ hasNotText: 'Paused' }).waitFor();
    const monitor = await api<{ paused: boolean }>('GET', `/v1/monitors/${ids.Docs}`);
    expect(monitor.paused).toBe(false);
  }, 60_000);

  it('clones a monitor into a paused copy opened for editing', async () => {
    await openList();
    await row('Billing').getByRole('button', { name: 'Clone Billing' }).click();
    await page.waitForURL((url) => /^\/monitors\/[^/]+\/edit$/.test(url.pathname));
    expect(new URL(page.url()).pathname).not.toContain(ids.Billing);
    await openList();
    const copy = row('Billing (copy)');
    await copy.getByText('Paused', { exact: true }).waitFor();
    expect(await copy.getByRole('button', { name: 'Show monitors tagged prod' }).count()).toBe(1);
  }, 60_000);

  it('asks before deleting: focus on Cancel, Escape closes and gives focus back, then deletes the selected monitors', async () => {
    await openList();
    await page.getByLabel('Select Billing (copy)').check();
    await page.getByLabel('Select Mail relay').check();
    const trigger = page.getByRole('button', { name: 'Delete selected…' });
    await trigger.click();
    const dialog = page.getByRole('dialog', { name: 'Delete 2 monitors?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'list-delete-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await trigger.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await rowNames()).toContain('Mail relay');

    await trigger.click();
    await dialog.getByRole('button', { name: 'Delete 2 monitors' }).click();
    await page.getByText('Deleted 2 monitors.').waitFor();
    await waitForRows(['Billing', 'Docs', 'Shop HTTPS']);
  }, 60_000);

  it('uses the same dialog on a monitor page, on channels and on API keys', async () => {
    await page.goto(`${stack.web}/monitors/${ids.Docs}`);
    const remove = page.getByRole('button', { name: 'Delete…' });
    await remove.click();
    await page.getByRole('dialog', { name: 'Delete Docs?' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await remove.evaluate((el) => el === document.activeElement)).toBe(true);

    await api('POST', '/v1/channels', { type: 'webhook', name: 'hook', config: { url: target.url } });
    await page.goto(`${stack.web}/channels`);
    await page.getByRole('button', { name: 'Delete… hook' }).click();
    const channelDialog = page.getByRole('dialog', { name: 'Delete the channel “hook”?' });
    await channelDialog.getByRole('button', { name: 'Cancel' }).click();
    await channelDialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete… hook' }).click();
    await channelDialog.getByRole('button', { name: 'Delete channel' }).click();
    await page.getByRole('button', { name: 'Delete… hook' }).waitFor({ state: 'detached' });

    await api('POST', '/v1/api-keys', { name: 'ci', role: 'viewer' });
    await page.goto(`${stack.web}/settings/api-keys`);
    await page.getByRole('button', { name: 'Revoke ci' }).click();
    const keyDialog = page.getByRole('dialog', { name: 'Revoke the API key “ci”?' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await keyDialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('No API keys yet.').waitFor();
  }, 60_000);

  it('fits a 390 px phone without sideways scrolling and has no serious axe violation', async () => {
    await openList();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await openList();
    await page.locator('.recent-checks').first().waitFor();
    await saveScreenshot(page, 'list-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByLabel('Select Docs').check();
    await page.getByRole('button', { name: 'Delete selected…' }).click();
    await page.getByRole('dialog').waitFor();
    await saveScreenshot(page, 'list-delete-dialog-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);
});
