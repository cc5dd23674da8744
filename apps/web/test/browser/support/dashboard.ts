import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { apiCaller } from '../../../../../test/support/stack';
import { hydrated, launchChromium } from './chromium';
import { type RunningStack, startStack } from './stack';

export const PASSWORD = 'correct horse battery';

/** A test's own database, the stack on it, and a Chromium page on a 1280 × 900 screen. */
export interface Dashboard {
  db: TestDatabase;
  stack: RunningStack;
  browser: Browser;
  page: Page;
  /** Closes the browser, stops the stack and drops the database. */
  stop: () => Promise<void>;
}

/** `apps`: every app unless given (`api,web` when nothing runs checks: a faster start). */
export async function startDashboard(
  options: { env?: Record<string, string>; apps?: string } = {},
): Promise<Dashboard> {
  const db = await createTestDatabase();
  const [started, launched] = await Promise.allSettled([
    startStack(db.url, options.env, options.apps),
    launchChromium(),
  ]);
  if (started.status === 'rejected' || launched.status === 'rejected') {
    // What did start goes before the failure is reported, as an afterAll would have stopped it.
    if (launched.status === 'fulfilled') await launched.value.close();
    if (started.status === 'fulfilled') await started.value.stop();
    await db.drop();
    throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
  }
  const [stack, browser] = [started.value, launched.value];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  return {
    db,
    stack,
    browser,
    page,
    stop: async () => {
      await browser.close();
      await stack.stop();
      await db.drop();
    },
  };
}

/** Calls the API as the signed-up user: JSON in and out; an answer that is not 2xx throws with its body. */
export type DashboardApi = <T>(path: string, init?: { method?: string; body?: unknown }) => Promise<T>;

/**
 * Signs up the first owner of a new organization on the dashboard's sign-up page, waits for the empty
 * monitor list, and returns a caller of the API as them (a session of its own, from a login).
 */
export async function signUpInDashboard(
  page: Page,
  stack: RunningStack,
  account: { email: string; organizationName: string },
): Promise<DashboardApi> {
  await page.goto(`${stack.web}/signup`);
  await hydrated(page);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill(account.organizationName);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
  const login = await fetch(`${stack.api}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: account.email, password: PASSWORD }),
  });
  if (!login.ok) throw new Error(`login → ${login.status}: ${await login.text()}`);
  const call = apiCaller(stack.api, ((await login.json()) as { accessToken: string }).accessToken);
  return (path, init = {}) => call(init.method ?? 'GET', path, init.body);
}
