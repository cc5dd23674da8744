import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../../../test/support/stack';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';

const EMAIL = 'rotations@example.com';
let db: TestDatabase;
let stack: TestStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  db = await createTestDatabase();
  [stack, browser] = await Promise.all([
    startTestStack({ databaseUrl: db.url, apps: 'api,web', timeoutMs: 540_000 }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin' });
  await page.goto(`${stack.web}/signup`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Organization name').fill('Rotation Browser Org');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
}, 60_000);

describe('on-call rotations in headless Chromium against the real stack', () => {
  it('creates a rotation, shows who is on call and the next shifts, adds an override and edits the rotation', async () => {
    await page.getByRole('link', { name: 'Rotations' }).click();
    await page.getByRole('heading', { name: 'On-call rotations' }).waitFor();
    await page.getByText('No rotations yet.').waitFor();

    const form = page.locator('form', { has: page.getByRole('heading', { name: 'New rotation' }) });
    await form.getByRole('button', { name: 'Create rotation' }).click();
    await form.getByText('Pick at least one member').first().waitFor();

    await form.getByLabel('Name').fill('Primary');
    await form.getByLabel('Handoff', { exact: true }).selectOption('daily');
    await form.getByLabel('Handoff time').fill('09:00');
    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await form.getByLabel(EMAIL).check();
    await form.getByRole('button', { name: 'Create rotation' }).click();

    const table = page.getByRole('table', { name: 'Rotations' });
    const row = table.getByRole('row', { name: /Primary/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Every day at 09:00 (Europe/Berlin)');
    expect(await row.textContent()).toContain(EMAIL);

    const shifts = page.getByRole('region', { name: 'Upcoming shifts of Primary' });
    await shifts.getByRole('listitem').first().waitFor();
    expect(await shifts.getByRole('listitem').first().textContent()).toContain(EMAIL);

    await shifts.getByRole('button', { name: 'Add override' }).click();
    await shifts.getByText('(override)').first().waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'rotations');

    await row.getByRole('button', { name: /Edit/ }).click();
    const edit = page.locator('form', { has: page.getByRole('heading', { name: 'Edit rotation Primary' }) });
    await edit.getByLabel('Name').fill('Primary on-call');
    await edit.getByLabel('Handoff time').fill('09:00:30');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const renamed = table.getByRole('row', { name: /Primary on-call/ });
    await renamed.waitFor();
    await renamed.getByText('Every day at 09:00:30 (Europe/Berlin)').waitFor();
    // The saved form closes before the next one opens (its closing would close the next one too).
    await edit.waitFor({ state: 'detached' });

    // A handoff with seconds shows them when edited again, and keeps them through an edit of another field.
    await renamed.getByRole('button', { name: /Edit/ }).click();
    const again = page.locator('form', {
      has: page.getByRole('heading', { name: 'Edit rotation Primary on-call' }),
    });
    expect(await again.getByLabel('Handoff time').inputValue()).toBe('09:00:30');
    await again.getByLabel('Name').fill('Primary');
    await again.getByRole('button', { name: 'Save changes' }).click();
    await renamed.waitFor({ state: 'detached' });
    await again.waitFor({ state: 'detached' });
    const kept = table.getByRole('row', { name: /Primary/ });
    await kept.getByText('Every day at 09:00:30 (Europe/Berlin)').waitFor();

    // Seconds of 00 are shown as HH:MM.
    await kept.getByRole('button', { name: /Edit/ }).click();
    const last = page.locator('form', {
      has: page.getByRole('heading', { name: 'Edit rotation Primary', exact: true }),
    });
    await last.getByLabel('Handoff time').fill('10:15:00');
    await last.getByRole('button', { name: 'Save changes' }).click();
    await kept.getByText('Every day at 10:15 (Europe/Berlin)').waitFor();
  }, 120_000);
});
