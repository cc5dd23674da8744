import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCall, signUpOwner, startTestStack, type TestStack } from '../../../../test/support/stack';
import { launchChromium } from './support/chromium';

const EMAIL = 'gitops@example.com';

let db: TestDatabase;
let stack: TestStack;
let browser: Browser;
let page: Page;
let api: ApiCall;
let managedId: string;
let handmadeId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  [stack, browser] = await Promise.all([
    startTestStack({ databaseUrl: db.url, apps: 'api,web', timeoutMs: 300_000 }),
    launchChromium(),
  ]);
  api = await signUpOwner(stack.api, EMAIL, 'GitOps Org');
  const monitor = { type: 'http', url: 'https://example.com/health', intervalSeconds: 300 };
  await api('POST', '/v1/managed/apply', {
    resources: { monitors: [{ key: 'checkout', name: 'Checkout from file', ...monitor }] },
  });
  managedId = (await api('GET', '/v1/monitors?key=checkout')).items[0].id;
  handmadeId = (await api('POST', '/v1/monitors', { name: 'Made by hand', ...monitor })).id;
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.web}/login`);
  await page.waitForFunction(() => {
    const form = document.querySelector('main form');
    return form !== null && Object.keys(form).some((key) => key.startsWith('__reactProps'));
  });
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.monitors-table tbody tr').first().waitFor();
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
}, 60_000);

describe('resources managed by code in the dashboard', () => {
  it('shows "Managed by code" on a monitor an apply made, and not on one made by hand', async () => {
    await page.goto(`${stack.web}/monitors/${managedId}`);
    await page.getByRole('heading', { name: 'Checkout from file' }).waitFor();
    await expect(page.locator('.badge--managed').textContent()).resolves.toBe('Managed by code');
    await page.goto(`${stack.web}/monitors/${handmadeId}`);
    await page.getByRole('heading', { name: 'Made by hand' }).waitFor();
    expect(await page.locator('.badge--managed').count()).toBe(0);
  });

  it('warns on the edit form of a managed monitor that the next apply undoes the edit', async () => {
    await page.goto(`${stack.web}/monitors/${managedId}/edit`);
    const warning = page.locator('.managed-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('the next sentinelmesh apply undoes any edit made here');
    await page.goto(`${stack.web}/monitors/${handmadeId}/edit`);
    await page.locator('form').first().waitFor();
    expect(await page.locator('.managed-warning').count()).toBe(0);
  });
});
