import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastHttpMonitor, startReceiver, startTarget } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import { saveScreenshot, seriousA11yViolations } from './support/chromium';
import { type Dashboard, type DashboardApi, signUpInDashboard, startDashboard } from './support/dashboard';
import type { RunningStack } from './support/stack';

// The dashboard polls every 10 s, so each visible change may take one poll after the fact.
const SEES_CHANGE_MS = 40_000;
const email = 'incident-lead@example.com';

let dashboard: Dashboard;
let stack: RunningStack;
let page: Page;
let api: DashboardApi;
let target: Awaited<ReturnType<typeof startTarget>>;
let good: Awaited<ReturnType<typeof startReceiver>>;
let broken: Awaited<ReturnType<typeof startReceiver>>;
let incidentId = '';

const events = (receiver: typeof good, event: string) =>
  receiver.received.filter((r) => r.body.event === event);

/** The page fits a 390 px phone: nothing scrolls sideways. */
async function fitsPhone(name: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name} fits a 390 px screen`).toBeLessThanOrEqual(390);
}

beforeAll(async () => {
  target = await startTarget();
  good = await startReceiver();
  broken = await startReceiver(() => 500);
  dashboard = await startDashboard();
  ({ stack, page } = dashboard);
}, 300_000);

afterAll(async () => {
  await dashboard?.stop();
  await target?.close();
  await good?.close();
  await broken?.close();
}, 60_000);

describe('the incident page in headless Chromium against the real stack', () => {
  it('opens an incident from an outage, lists it as a card with its acknowledge button on a phone', async () => {
    api = await signUpInDashboard(page, stack, { email, organizationName: 'Incident Page Org' });

    const channel = (name: string, url: string) =>
      api<{ id: string }>('/v1/channels', {
        method: 'POST',
        body: { type: 'webhook', name, config: { url } },
      });
    const channels = [
      await channel('Good hook', `${good.url}/hook`),
      await channel('Broken hook', `${broken.url}/hook`),
    ];
    await api('/v1/monitors', {
      method: 'POST',
      body: fastHttpMonitor(
        target.url,
        channels.map((c) => c.id),
      ),
    });
    target.setStatus(503);
    await waitFor(
      'an open incident',
      async () => {
        const open = await api<{ items: Array<{ id: string }> }>('/v1/incidents?status=open');
        incidentId = open.items[0]?.id ?? '';
        return incidentId !== '';
      },
      { timeoutMs: 30_000 },
    );
    await waitFor(
      'the down alert at both receivers',
      () => good.received.length > 0 && broken.received.length > 0,
      {
        timeoutMs: 20_000,
      },
    );

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.web}/incidents`);
    const card = page.locator('.incidents-table tbody tr').first();
    await card.waitFor();
    const acknowledge = card.getByRole('button', { name: 'Acknowledge' });
    await acknowledge.waitFor();
    const box = await acknowledge.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390, 'the acknowledge button is on screen').toBe(true);
    expect(await card.evaluate((row) => getComputedStyle(row).display)).toBe('grid');
    await fitsPhone('incidents');
    await saveScreenshot(page, 'incidents-cards-phone');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 120_000);

  it("shows each alert's delivery outcome per channel, the cause and the timeline; acknowledging records who and tells the alerted channels", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.web}/incidents`);
    await page.locator(`a[href="/incidents/${incidentId}"]`).click();
    await page.waitForURL((url) => url.pathname === `/incidents/${incidentId}`);
    await page.getByRole('heading', { name: 'Incident: Local target', level: 1 }).waitFor();

    const timeline = page.locator('.timeline');
    await timeline.locator('[data-event="first_failure"]').waitFor();
    expect(await timeline.locator('[data-event="first_failure"]').textContent()).toContain('local');
    expect(await timeline.locator('[data-event="opened"]').count()).toBe(1);
    // The monitor goes down after two failed verdicts: the first failure, then its confirmation.
    expect(await timeline.locator('[data-event="confirmation"]').count()).toBeGreaterThan(0);
    const alerts = timeline.locator('[data-event="alert"]');
    await alerts
      .filter({ hasText: 'Good hook' })
      .getByText(/sent after 1 attempt \(answer 200\)/)
      .waitFor();
    await alerts
      .filter({ hasText: 'Broken hook' })
      .getByText(/(failed|retrying) after \d+ attempts?.*HTTP 500/)
      .waitFor({ timeout: SEES_CHANGE_MS });
    expect(await page.locator('.cause').first().textContent()).toContain('Failed in local');
    expect(await page.locator('.cause').first().textContent()).toContain('503');

    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('.settings dd', { hasText: `by ${email}` }).waitFor({ timeout: SEES_CHANGE_MS });
    await timeline.locator('[data-event="acknowledged"]').getByText(`Acknowledged by ${email}`).waitFor();
    await waitFor(
      'the acknowledgement at the alerted channels',
      () =>
        events(good, 'incident.acknowledged').length > 0 &&
        events(broken, 'incident.acknowledged').length > 0,
      { timeoutMs: 20_000 },
    );
    const [ack] = events(good, 'incident.acknowledged');
    expect(ack?.body).toMatchObject({ incident: { id: incidentId }, acknowledgement: { by: email } });
    expect(ack?.headers['idempotency-key']).toBe(ack?.body.id);
    await alerts
      .filter({ hasText: 'Acknowledgement to Good hook' })
      .getByText(/sent after 1 attempt/)
      .waitFor({ timeout: SEES_CHANGE_MS });
    expect(events(good, 'incident.acknowledged')).toHaveLength(1);

    await page
      .getByLabel('What happened, and what will change')
      .fill('The target answered 503 during the test.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByText('Note saved.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Incident: Local target', level: 1 }).waitFor();
    expect(await page.getByLabel('What happened, and what will change').inputValue()).toBe(
      'The target answered 503 during the test.',
    );
    await saveScreenshot(page, 'incident');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('.timeline').waitFor();
    await fitsPhone('incident');
    await saveScreenshot(page, 'incident-phone');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 120_000);

  it("links the monitor page's incidents to the incident page", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.web}/incidents`);
    await page.getByRole('link', { name: 'Local target' }).first().click();
    await page.getByRole('heading', { name: 'Local target', level: 1 }).waitFor();
    await page.locator(`a[href="/incidents/${incidentId}"]`).click();
    await page.waitForURL((url) => url.pathname === `/incidents/${incidentId}`);
  }, 60_000);
});
