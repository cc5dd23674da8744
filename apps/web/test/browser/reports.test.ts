import { readFile } from 'node:fs/promises';
import { insertIncident, insertResults } from '@sentinelmesh/db/fixtures';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../../../test/support/stack';
import { hydrated, launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';

// Last calendar month (UTC), with an hourly check of two monitors forming the component "Checkout";
// monitor A was down one hour of it, so the component's uptime is 1 - 3600 / (seconds of the month).
const EMAIL = 'reports@example.com';
const PASSWORD = 'correct horse battery';
const H = 3_600_000;
const now = new Date();
const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
const MONTH = new Date(monthStart).toISOString().slice(0, 7);
const hours = (monthEnd - monthStart) / H;
const uptime = Math.round(100 * (1 - 3600 / (hours * 3600)) * 10_000) / 10_000;

let db: TestDatabase;
let stack: TestStack;
let browser: Browser;
let page: Page;

async function api(path: string, token: string, body?: unknown) {
  const res = await fetch(`${stack.api}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Two monitors with a month of hourly checks, one incident, and a status page component over both. */
async function seedMonth(): Promise<void> {
  const login = await fetch(`${stack.api}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  const { accessToken: token, organization } = await login.json();
  const ids: string[] = [];
  for (const name of ['Shop A', 'Shop B']) {
    const monitor = await api('/v1/monitors', token, {
      type: 'http',
      name,
      url: 'http://127.0.0.1:9/health',
      intervalSeconds: 86_400,
      timeoutMs: 1000,
      paused: true,
    });
    ids.push(monitor.id);
  }
  await db.db
    .updateTable('monitors')
    .set({ created_at: new Date(monthStart - 24 * H) } as never)
    .where('id', 'in', ids)
    .execute();
  for (const id of ids) {
    await insertResults(
      db.db,
      organization.id,
      id,
      Array.from({ length: hours }, (_, i) => ({
        scheduledAt: new Date(monthStart + i * H),
        latencyMs: 100,
      })),
    );
  }
  await insertIncident(db.db, organization.id, ids[0] as string, {
    openedAt: new Date(monthStart + 48 * H),
    resolvedAt: new Date(monthStart + 49 * H),
  });
  const statusPage = await api('/v1/status-pages', token, {
    slug: 'reports-shop',
    title: 'Shop status',
    monitorIds: ids,
  });
  const component = await db.db
    .insertInto('status_page_components')
    .values({ org_id: organization.id, status_page_id: statusPage.id, name: 'Checkout', position: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.db
    .updateTable('status_page_monitors')
    .set({ component_id: component.id })
    .where('status_page_id', '=', statusPage.id)
    .execute();
}

beforeAll(async () => {
  db = await createTestDatabase();
  [stack, browser] = await Promise.all([
    startTestStack({ databaseUrl: db.url, apps: 'api,web', timeoutMs: 540_000 }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await page.goto(`${stack.web}/signup`);
  await hydrated(page);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill('Reports Browser Org');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
  await seedMonth();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
}, 60_000);

async function downloaded(button: string): Promise<Buffer> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return readFile((await download.path()) as string);
}

describe('reports in headless Chromium against the real stack', () => {
  it("shows a component's month, downloads it as CSV and PDF, and sets up a monthly email", async () => {
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    expect(await page.getByLabel('Month (UTC)').inputValue()).toBe(MONTH);
    await page
      .getByLabel('Report on', { exact: true })
      .first()
      .selectOption({ label: 'Checkout (Shop status)' });
    await page.getByRole('heading', { name: `Checkout, ${MONTH}` }).waitFor();
    const figures = page.getByRole('list', { name: 'Figures of the month' });
    expect(await figures.textContent()).toContain(`Uptime ${uptime} %`);
    expect(await figures.textContent()).toContain('Incidents 1');
    const monitors = page.getByRole('table', { name: 'Monitors' });
    expect(await monitors.getByRole('row', { name: /Shop A/ }).textContent()).toContain('3,600 s');

    const csv = (await downloaded('Download CSV')).toString('utf8');
    expect(csv).toContain('\r\ncomponent,Checkout\r\n');
    expect(csv).toContain(`\r\nuptimePercent,${uptime}\r\n`);
    expect(csv).toContain('\r\ndowntimeSeconds,3600\r\n');
    const pdf = await downloaded('Download PDF');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const emails = page.getByRole('region', { name: 'Monthly report emails' });
    await emails.getByText('No report is emailed yet.').waitFor();
    const form = page.locator('form', {
      has: page.getByRole('heading', { name: 'Email a report every month' }),
    });
    await form.getByRole('button', { name: 'Email monthly' }).click();
    await form.getByText('Enter at least one email address').first().waitFor();
    await form.getByLabel('Report on').selectOption({ label: 'Checkout (Shop status)' });
    await form.getByLabel('Attachment').selectOption('csv');
    await form.getByLabel('Recipients').fill('cfo@example.com, ops@example.com');
    await form.getByRole('button', { name: 'Email monthly' }).click();
    const row = emails.getByRole('table', { name: 'Report emails' }).getByRole('row', { name: /Checkout/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('cfo@example.com, ops@example.com');
    expect(await row.textContent()).toContain('Not yet');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'reports');

    await row.getByRole('button', { name: 'Turn off the report email of Checkout' }).click();
    await row.getByText('Off', { exact: true }).waitFor();
  }, 180_000);
});
