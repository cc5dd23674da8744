import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../../../test/support/stack';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';

// Editing needs no check to run: the API and the dashboard are the whole story.
let db: TestDatabase;
let stack: TestStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  db = await createTestDatabase();
  [stack, browser] = await Promise.all([
    startTestStack({ databaseUrl: db.url, apps: 'api,web', timeoutMs: 300_000 }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.web}/signup`);
  await page.getByLabel('Email').fill('editor@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Organization name').fill('Editing Org');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
}, 60_000);

/** The JSON body of the next request the dashboard sends with `method` to a path ending in `suffix`. */
function nextBody(method: string, suffix: RegExp): Promise<unknown> {
  return page
    .waitForRequest((r: Request) => r.method() === method && suffix.test(new URL(r.url()).pathname))
    .then((r) => r.postDataJSON());
}

async function storedMonitor(name: string) {
  return db.db
    .selectFrom('monitors')
    .select(['id', 'config'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
}

/** Each line of the error summary above the form, once it shows a line with `first`. */
async function summary(first: string): Promise<string[]> {
  const lines = page.locator('.error-summary li');
  await lines.filter({ hasText: first }).waitFor();
  return (await lines.allTextContents()).map((line) => line.replace(/\s+/g, ' ').trim());
}

async function fitsPhoneWithoutSeriousViolations(name: string) {
  const violations = await seriousA11yViolations(page);
  expect(violations, `${name}: axe`).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, `${name}-phone`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(width, `${name} fits a 390 px screen`).toBeLessThanOrEqual(390);
}

describe('editing in the dashboard, in headless Chromium against the real API', () => {
  it('edits a monitor: only what changed is sent, and the default timeout keeps following the interval', async () => {
    await page.goto(`${stack.web}/monitors/new`);
    await page.getByLabel('Name', { exact: true }).fill('Edit me');
    await page.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/health');
    const created = nextBody('POST', /\/v1\/monitors$/);
    await page.getByRole('button', { name: 'Create monitor' }).click();
    expect(await created).not.toHaveProperty('timeoutMs');
    await page.getByRole('heading', { name: 'Edit me', level: 1, exact: true }).waitFor();
    const { id } = await storedMonitor('Edit me');

    await page.goto(`${stack.web}/monitors/${id}/edit`);
    const timeout = page.getByLabel('Timeout (ms)');
    await timeout.waitFor();
    expect(await timeout.inputValue()).toBe('');
    expect(await timeout.getAttribute('placeholder')).toBe('Default: 10000');
    await page.getByLabel('Check every (seconds)').fill('5');
    expect(await timeout.getAttribute('placeholder')).toBe('Default: 4000');
    await saveScreenshot(page, 'edit-monitor');
    await fitsPhoneWithoutSeriousViolations('edit-monitor');

    const patch = nextBody('PATCH', new RegExp(`/v1/monitors/${id}$`));
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await patch).toEqual({ intervalSeconds: 5 });
    await page.getByRole('heading', { name: 'Edit me', level: 1, exact: true }).waitFor();
    expect((await storedMonitor('Edit me')).config).toMatchObject({ intervalSeconds: 5, timeoutMs: 4000 });

    // Back at 60 s, the timeout nobody chose is the 10 s default again, and still shown as a default.
    await page.goto(`${stack.web}/monitors/${id}/edit`);
    await page.getByLabel('Check every (seconds)').fill('60');
    const back = nextBody('PATCH', new RegExp(`/v1/monitors/${id}$`));
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await back).toEqual({ intervalSeconds: 60 });
    await page.getByRole('heading', { name: 'Edit me', level: 1, exact: true }).waitFor();
    expect((await storedMonitor('Edit me')).config).toMatchObject({ intervalSeconds: 60, timeoutMs: 10_000 });
    await page.goto(`${stack.web}/monitors/${id}/edit`);
    await page.getByLabel('Timeout (ms)').waitFor();
    expect(await page.getByLabel('Timeout (ms)').inputValue()).toBe('');
  }, 120_000);

  it("shows every problem of the monitor form at once, each under its field's label, the API's too", async () => {
    await page.goto(`${stack.web}/monitors/new`);
    await page.getByLabel('URL', { exact: true }).fill('/relative');
    await page.getByLabel('Check every (seconds)').fill('5');
    await page.getByLabel('Timeout (ms)').fill('9000');
    await page.getByLabel('Down after (failed checks in a row)').fill('0');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    expect(await summary('Name: Required')).toEqual([
      'Name: Required',
      'URL: must be an absolute http:// or https:// URL',
      'Timeout (ms): must be shorter than the interval',
      'Down after (failed checks in a row): Must be at least 1',
    ]);
    // Each field shows its own message too.
    expect(await page.locator('#timeoutMs-error').textContent()).toBe('must be shorter than the interval');
    await saveScreenshot(page, 'monitor-form-errors');
    await fitsPhoneWithoutSeriousViolations('monitor-form-errors');

    // Problems only the API can find come back labelled the same way.
    await page.getByLabel('Name', { exact: true }).fill('Far away');
    await page.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/');
    await page.getByLabel('Timeout (ms)').fill('');
    await page.getByLabel('Down after (failed checks in a row)').fill('2');
    await page.getByLabel('Regions').fill('mars, venus');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    const lines = await summary('Regions:');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Regions: unknown region\(s\) mars, venus; this organization can use local$/);
    expect((await page.locator('.error-summary').textContent()) ?? '').not.toMatch(
      /intervalSeconds|timeoutMs|regions:/,
    );
  }, 120_000);

  it('hides what does not apply to a heartbeat monitor, on create and on edit', async () => {
    const hidden = [
      '#url',
      '#method',
      '#timeoutMs',
      '#regions',
      '#retryIntervalSeconds',
      '#headers',
      '#body',
    ];
    const expectHeartbeatFields = async () => {
      await page.getByLabel('Expected every (seconds)').waitFor();
      for (const selector of hidden) expect(await page.locator(selector).count(), selector).toBe(0);
      expect(await page.getByRole('group', { name: 'Assertions' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Add rule' }).count()).toBe(0);
      await page.getByLabel('Look for missed pings every (seconds)').waitFor();
      await page.getByLabel('Grace period (seconds)').waitFor();
    };
    await page.goto(`${stack.web}/monitors/new`);
    await page.getByLabel('What to check', { exact: true }).selectOption('heartbeat');
    await expectHeartbeatFields();
    await page.getByLabel('Name', { exact: true }).fill('Nightly backup');
    await page.getByLabel('Expected every (seconds)').fill('86400');
    await saveScreenshot(page, 'heartbeat-form');
    await fitsPhoneWithoutSeriousViolations('heartbeat-form');
    const created = nextBody('POST', /\/v1\/monitors$/);
    await page.getByRole('button', { name: 'Create monitor' }).click();
    const body = (await created) as Record<string, unknown>;
    for (const field of ['timeoutMs', 'regions', 'retryIntervalSeconds', 'url', 'assertions']) {
      expect(body, field).not.toHaveProperty(field);
    }
    await page.getByRole('heading', { name: 'Nightly backup', level: 1, exact: true }).waitFor();
    const { id } = await storedMonitor('Nightly backup');
    await page.goto(`${stack.web}/monitors/${id}/edit`);
    await expectHeartbeatFields();
  }, 120_000);

  it('edits a status page in place, sending only what changed, and names every problem by its label', async () => {
    await page.goto(`${stack.web}/status-pages`);
    await page.getByLabel('Title', { exact: true }).fill('Acme status');
    await page.getByLabel('Address').fill('acme');
    await page.getByLabel('Edit me').check();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('row', { name: /Acme status/ }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Taken');
    await page.getByLabel('Address').fill('taken');
    await page.getByLabel('Edit me').check();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('row', { name: /Taken/ }).waitFor();

    await page.getByRole('button', { name: 'Edit Acme status' }).click();
    await page.getByRole('heading', { name: 'Edit status page Acme status' }).waitFor();
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('Acme status');
    expect(await page.getByLabel('Address').inputValue()).toBe('acme');
    expect(await page.getByLabel('Edit me').isChecked()).toBe(true);

    // Everything wrong at once, by label.
    await page.getByLabel('Title', { exact: true }).fill(' ');
    await page.getByLabel('Address').fill('A');
    await page.getByLabel('Edit me').uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await summary('Title: Required')).toEqual([
      'Title: Required',
      'Address: 3 to 64 lowercase letters, digits and inner dashes',
      'Monitors shown: Pick at least one monitor',
    ]);
    await saveScreenshot(page, 'edit-status-page-errors');
    await fitsPhoneWithoutSeriousViolations('edit-status-page-errors');

    // A taken address is the API's answer, at its field.
    await page.getByLabel('Title', { exact: true }).fill('Acme status');
    await page.getByLabel('Address').fill('taken');
    await page.getByLabel('Edit me').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await summary('Address: taken')).toEqual(['Address: taken by another status page']);

    await page.getByLabel('Title', { exact: true }).fill('Acme Inc. status');
    await page.getByLabel('Address').fill('acme');
    const patch = nextBody('PATCH', /\/v1\/status-pages\/[^/]+$/);
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await patch).toEqual({ title: 'Acme Inc. status' });
    await page.getByRole('status').getByText('Saved status page Acme Inc. status.').waitFor();
    await page.getByRole('row', { name: /Acme Inc\. status/ }).waitFor();
    await page.getByRole('heading', { name: 'Publish a status page' }).waitFor();
    const stored = await db.db
      .selectFrom('status_pages')
      .select(['title', 'slug'])
      .where('slug', '=', 'acme')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ title: 'Acme Inc. status', slug: 'acme' });
  }, 120_000);

  it('edits a maintenance window in place, sending only what changed, and names every problem by its label', async () => {
    await page.goto(`${stack.web}/maintenance`);
    await page.getByLabel('Name').fill('Database upgrade');
    await page.getByLabel('Edit me').check();
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('row', { name: /Database upgrade/ }).waitFor();
    const before = await db.db
      .selectFrom('maintenance_windows')
      .select(['id', 'starts_at', 'ends_at'])
      .where('name', '=', 'Database upgrade')
      .executeTakeFirstOrThrow();

    await page.getByRole('button', { name: 'Edit Database upgrade' }).click();
    await page.getByRole('heading', { name: 'Edit maintenance window Database upgrade' }).waitFor();
    const startsAt = await page.getByLabel('Starts (your local time)').inputValue();

    await page.getByLabel('Name').fill('');
    await page.getByLabel('Ends (your local time)').fill(startsAt);
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await summary('Name: Required')).toEqual([
      'Name: Required',
      'Ends (your local time): Must be after the start',
    ]);
    await saveScreenshot(page, 'edit-maintenance-errors');
    await fitsPhoneWithoutSeriousViolations('edit-maintenance-errors');

    // Three hours later than the start, to the minute as typed.
    const later = new Date(Date.parse(startsAt) + 3 * 3_600_000);
    const local = new Date(later.getTime() - later.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Name').fill('Database upgrade, part 2');
    await page.getByLabel('Ends (your local time)').fill(local);
    const patch = nextBody('PATCH', new RegExp(`/v1/maintenance-windows/${before.id}$`));
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await patch).toEqual({ name: 'Database upgrade, part 2', endsAt: later.toISOString() });
    await page.getByRole('status').getByText('Saved maintenance window Database upgrade, part 2.').waitFor();
    await page.getByRole('row', { name: /Database upgrade, part 2/ }).waitFor();
    const after = await db.db
      .selectFrom('maintenance_windows')
      .select(['name', 'starts_at', 'ends_at'])
      .where('id', '=', before.id)
      .executeTakeFirstOrThrow();
    // The start nobody touched keeps its stored seconds.
    expect(after).toEqual({ name: 'Database upgrade, part 2', starts_at: before.starts_at, ends_at: later });
    await saveScreenshot(page, 'maintenance-edited');
    await fitsPhoneWithoutSeriousViolations('maintenance-edited');
  }, 120_000);
});
