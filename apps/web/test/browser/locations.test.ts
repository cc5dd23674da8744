import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../../../test/support/stack';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';

let db: TestDatabase;
let stack: TestStack;
let browser: Browser;
let page: Page;

const session = (token: string) =>
  fetch(`${stack.api}/v1/probe/session`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  db = await createTestDatabase();
  // The probe gateway is part of the API: no scheduler or worker is needed here.
  [stack, browser] = await Promise.all([
    startTestStack({ databaseUrl: db.url, apps: 'api,web', timeoutMs: 540_000 }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.web}/signup`);
  await page.getByLabel('Email').fill('locations@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Organization name').fill('Location Browser Org');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
}, 60_000);

describe('locations and probes in headless Chromium against the real stack', () => {
  it('creates a location with the private-target opt-in, shows a probe token once, lists the probe and revokes it', async () => {
    await page.goto(`${stack.web}/settings/locations`);
    await page.getByRole('heading', { name: 'Locations & probes' }).waitFor();
    await page.getByText('No private locations yet.').waitFor();

    const locationForm = page.locator('form', {
      has: page.getByRole('heading', { name: 'Create a private location' }),
    });
    await locationForm.getByLabel('Name').fill('Berlin office');
    await locationForm.getByLabel(/Allow private targets/).check();
    await locationForm.getByRole('button', { name: 'Create location' }).click();
    const locations = page.getByRole('table', { name: 'Private locations' });
    const row = locations.getByRole('row', { name: /Berlin office/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Allowed');
    const region = (await row.locator('code').textContent()) ?? '';
    expect(region).toMatch(/^pl-berlin-office-[a-z0-9]{6}$/);

    const probeForm = page.locator('form', {
      has: page.getByRole('heading', { name: 'Create a probe token' }),
    });
    await probeForm.getByLabel('Probe name').fill('rack-1');
    await probeForm.getByRole('button', { name: 'Create token' }).click();
    const shown = page.locator('#created-probe-token');
    await shown.waitFor();
    const token = (await shown.textContent()) ?? '';
    expect(token).toMatch(/^smp_[A-Za-z0-9_-]{43}$/);
    await probeForm.getByRole('button', { name: 'Copy token' }).waitFor();

    const opened = await session(token);
    expect(opened.status).toBe(200);
    expect(await opened.json()).toMatchObject({ region, allowPrivateTargets: true });

    // Shown once: after a reload the token is gone, and the probe is listed as seen.
    await page.reload();
    const probes = page.getByRole('table', { name: 'Probes' });
    const probeRow = probes.getByRole('row', { name: /rack-1/ });
    await probeRow.waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await probeRow.textContent()).toContain('Online');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'settings-locations');

    await probeRow.getByRole('button', { name: /Revoke/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await probeRow.waitFor({ state: 'detached' });
    expect((await session(token)).status).toBe(401);
  }, 120_000);
});
