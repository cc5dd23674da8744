import {
  insertIncident,
  insertMaintenanceWindow,
  insertMonitor,
  insertResults,
  rollUpResults,
} from '@sentinelmesh/db/fixtures';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastHttpMonitor, startTarget } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import type { MonitorStats, PublicStatusPage } from '../../src/lib/api-types';
import { formatPercent } from '../../src/lib/format';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';
import { type RunningStack, startStack } from './support/stack';

const H = 3_600_000;
const M = 60_000;
const DAY = 24 * H;
const PASSWORD = 'correct horse battery';
const EMAIL = 'numbers@example.com';

let db: TestDatabase;
let stack: RunningStack;
let browser: Browser;
let page: Page;
let target: Awaited<ReturnType<typeof startTarget>>;
let token = '';
let orgId = '';

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`${stack.api}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The figure as every view prints it. */
const shown = (uptime: number | null) => (uptime === null ? 'no data' : formatPercent(uptime));

/** `Nov 27` → `86.4%` from the titles of a list of day bars. */
async function bars(scope: ReturnType<Page['locator']>): Promise<Map<string, string>> {
  const titles = await scope
    .locator('li.uptime-bar')
    .evaluateAll((items) => items.map((item) => item.getAttribute('title') ?? ''));
  return new Map(titles.map((t) => t.split(': ') as [string, string]));
}

const utcDay = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startTarget();
  [stack, browser] = await Promise.all([startStack(db.url), launchChromium()]);
  const res = await fetch(`${stack.api}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, organizationName: 'Numbers Inc' }),
  });
  const signup = (await res.json()) as { accessToken: string; organization: { id: string } };
  token = signup.accessToken;
  orgId = signup.organization.id;
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(`${stack.web}/login`);
  await page.waitForFunction(() => {
    const form = document.querySelector('main form');
    return form !== null && Object.keys(form).some((key) => key.startsWith('__reactProps'));
  });
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Monitors', level: 1 }).waitFor();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await target?.close();
  await db?.drop();
}, 60_000);

describe('every view reports the same numbers', () => {
  it('one seeded history: the monitor page, the list, the stats API, the status page and the per-day bars agree', async () => {
    // Day 0 is the UTC day before yesterday. Checks every 5 min from 00:00 to 36:00 except a gap
    // 28:00–31:00; failing 06:00–09:00 inside a resolved incident; maintenance 20:00–22:00; rolled up
    // to 20:00 (hours before from the rollups, after from raw results). Each hour with a check covers
    // it and one interval: data [0, 28:05) ∪ [31:00, 36:05) = 1990 min, less 120 in maintenance = 1870.
    // Down 180 min: 1 - 180/1870 = 90.3743 %. Day 0: 180 down of 22 h = 86.3636 %; day 1: 100 %.
    const day0 = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
    const monitorId = await insertMonitor(db.db, orgId, {
      config: { name: 'Seeded history', intervalSeconds: 300, paused: true },
      createdAt: new Date(day0 - DAY),
      state: { status: 'paused' },
    });
    const checks = [];
    for (let t = day0; t < day0 + 36 * H; t += 5 * M) {
      if (t >= day0 + 28 * H && t < day0 + 31 * H) continue;
      checks.push({ scheduledAt: new Date(t), ok: t < day0 + 6 * H || t >= day0 + 9 * H });
    }
    await insertResults(db.db, orgId, monitorId, checks);
    await insertIncident(db.db, orgId, monitorId, {
      openedAt: new Date(day0 + 6 * H),
      resolvedAt: new Date(day0 + 9 * H),
    });
    await insertMaintenanceWindow(db.db, orgId, {
      startsAt: new Date(day0 + 20 * H),
      endsAt: new Date(day0 + 22 * H),
      monitorIds: [monitorId],
    });
    await rollUpResults(db.db, new Date(day0 + 20 * H));
    const slug = 'numbers-status';
    await api('/v1/status-pages', {
      method: 'POST',
      body: { slug, title: 'Numbers', monitorIds: [monitorId] },
    });

    // The stats API: every window holding the whole history gives the hand-computed figure.
    const windows: Record<string, MonitorStats> = {};
    for (const w of ['7d', '30d', '90d']) {
      windows[w] = await api<MonitorStats>(`/v1/monitors/${monitorId}/stats?window=${w}`);
      expect(windows[w], w).toMatchObject({ uptimePercent: 90.3743, downtimeSeconds: 10_800, incidents: 1 });
    }
    const dayOf = async (start: number) =>
      (
        await api<MonitorStats>(
          `/v1/monitors/${monitorId}/stats?from=${new Date(start).toISOString()}&to=${new Date(start + DAY).toISOString()}`,
        )
      ).uptimePercent;
    expect(await dayOf(day0)).toBe(86.3636);
    expect(await dayOf(day0 + DAY)).toBe(100);
    expect(await dayOf(day0 + 2 * DAY)).toBeNull();
    const expectedDays = new Map([
      [utcDay.format(day0 - DAY), 'no data'],
      [utcDay.format(day0), shown(86.3636)],
      [utcDay.format(day0 + DAY), shown(100)],
      [utcDay.format(day0 + 2 * DAY), 'no data'],
    ]);
    const apiSeries = windows['30d']?.series ?? [];
    for (const point of apiSeries.slice(1)) {
      const label = utcDay.format(Date.parse(point.at));
      if (expectedDays.has(label)) expect(shown(point.uptimePercent), label).toBe(expectedDays.get(label));
    }

    // The public status page's API and its page.
    const publicPage = (await (
      await fetch(`${stack.api}/v1/public/status-pages/${slug}`)
    ).json()) as PublicStatusPage;
    expect(publicPage.monitors[0]).toMatchObject({
      uptimePercent: 90.3743,
      dataSince: new Date(day0).toISOString(),
    });
    const visitor = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await visitor.goto(`${stack.web}/status/${slug}`);
    const overall = visitor.getByTestId('overall-uptime');
    await overall.waitFor();
    expect(await overall.textContent()).toContain(`${shown(90.3743)} uptime since`);
    const statusBars = await bars(visitor.locator('.status-list'));
    for (const [label, value] of expectedDays)
      expect(statusBars.get(label), `status page ${label}`).toBe(value);
    await saveScreenshot(visitor, 'numbers-status-page');
    expect(await seriousA11yViolations(visitor)).toEqual([]);
    await visitor.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(visitor, 'numbers-status-page-phone');
    expect(await visitor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await visitor.close();

    // The monitor page: the figure of each long window, and the per-day bars.
    await page.goto(`${stack.web}/monitors/${monitorId}`);
    const figure = page.getByTestId('uptime-figure');
    for (const w of ['7d', '30d', '90d']) {
      await page.getByRole('radio', { name: w, exact: true }).check();
      await page.waitForFunction(
        (expected) => document.querySelector('[data-testid="uptime-figure"]')?.textContent === expected,
        shown(90.3743),
        { timeout: 15_000 },
      );
      expect(await figure.textContent(), w).toBe(shown(90.3743));
    }
    const dayBars = page.locator('section[aria-labelledby="uptime-bars-title"]');
    await dayBars.locator('li.uptime-bar').first().waitFor();
    const pageBars = await bars(dayBars);
    for (const [label, value] of expectedDays)
      expect(pageBars.get(label), `monitor page ${label}`).toBe(value);
    await saveScreenshot(page, 'numbers-monitor-seeded');

    // The monitor list row: 7 d and 30 d.
    await page.goto(`${stack.web}/`);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Seeded history' }) });
    for (const [title, w] of [
      ['last 7 days', '7d'],
      ['last 30 days', '30d'],
    ] as const) {
      const cell = row.locator(`.uptime-cell span[title="${title}"]`);
      await waitFor(`the ${w} cell`, async () => (await cell.textContent()) === shown(90.3743), {
        timeoutMs: 20_000,
      });
      expect(await cell.textContent(), w).toBe(shown(windows[w]?.uptimePercent ?? null));
    }
  }, 180_000);

  it('during an outage, the monitor page shows the open incident, failed checks and an uptime below 100 % that agrees with the stats API to the decimal; 1 h draws each check', async () => {
    target.setStatus(200);
    const monitor = await api<{ id: string }>('/v1/monitors', {
      method: 'POST',
      body: { ...fastHttpMonitor(target.url, []), name: 'Outage target' },
    });
    const status = async () =>
      (await api<{ state: { status: string } }>(`/v1/monitors/${monitor.id}`)).state.status;
    await waitFor('the monitor up', async () => (await status()) === 'up', { timeoutMs: 60_000 });
    const okChecks = (stats: MonitorStats) =>
      (stats.points ?? []).filter((p) => p.ok && p.latencyMs !== null).length;
    const failedChecks = (stats: MonitorStats) => (stats.points ?? []).filter((p) => !p.ok).length;
    await waitFor(
      'three good checks',
      async () =>
        okChecks(await api<MonitorStats>(`/v1/monitors/${monitor.id}/stats?window=1h&points=true`)) >= 3,
      { timeoutMs: 60_000 },
    );
    // Right after creation, with good checks listed, the figures count them (not "Checks 0").
    await page.goto(`${stack.web}/monitors/${monitor.id}`);
    await waitFor(
      'the good checks counted',
      async () =>
        /^[1-9]\d* \(0 failed\)$/.test((await page.getByTestId('checks-figure').textContent()) ?? ''),
      { timeoutMs: 30_000 },
    );
    expect(await page.getByTestId('uptime-figure').textContent()).toBe('100%');
    target.setStatus(500);
    await waitFor(
      'an open incident',
      async () =>
        (await api<{ items: unknown[] }>(`/v1/incidents?monitorId=${monitor.id}&status=open`)).items
          .length === 1,
      { timeoutMs: 60_000 },
    );

    // Every answer the page gets for the 1 h window: the figure shown must be one of them, to the decimal.
    const answered: MonitorStats[] = [];
    page.on('response', (response) => {
      if (response.url().includes(`/v1/monitors/${monitor.id}/stats?window=1h`) && response.ok()) {
        // A body still arriving when the page closes at the end of the test is of no interest.
        response.json().then(
          (body: MonitorStats) => answered.push(body),
          () => undefined,
        );
      }
    });
    await page.goto(`${stack.web}/monitors/${monitor.id}`);
    await page.getByRole('radio', { name: '1h', exact: true }).check();
    const figure = page.getByTestId('uptime-figure');
    await page
      .locator('figure.chart[data-points="checks"] .chart__failure')
      .first()
      .waitFor({ timeout: 30_000 });
    await waitFor(
      'one incident shown',
      async () => (await page.getByTestId('incidents-figure').textContent()) === '1',
      {
        timeoutMs: 30_000,
      },
    );
    // The outage moves the figure while the page refetches: it must settle on one of the answers it got.
    let text: string | null = null;
    await waitFor(
      'the uptime figure to show an answer of the stats API',
      async () => {
        text = await figure.textContent();
        return answered.some((a) => shown(a.uptimePercent) === text);
      },
      { timeoutMs: 30_000 },
    );
    expect(answered.map((a) => shown(a.uptimePercent))).toContain(text);
    const after = await api<MonitorStats>(`/v1/monitors/${monitor.id}/stats?window=1h`);
    expect(after.uptimePercent).toBeLessThan(100);
    expect(after.incidentSpans).toEqual([expect.objectContaining({ resolvedAt: null })]);
    expect(Number.parseFloat(text ?? '100')).toBeLessThan(100);
    const failed = Number(
      /\((\d+) failed\)/.exec((await page.getByTestId('checks-figure').textContent()) ?? '')?.[1],
    );
    expect(failed).toBeGreaterThan(0);
    expect(await page.locator('.recharts-reference-area').count()).toBe(1);
    // Each check is a point: every OK check of an answer the page got, and each failure a red marker.
    const okPoints = await page.locator('.chart__point').count();
    const failurePoints = await page.locator('.chart__failure').count();
    expect(okPoints).toBeGreaterThanOrEqual(3);
    expect(failurePoints).toBeGreaterThanOrEqual(1);
    expect(answered.map((a) => `${okChecks(a)} ok, ${failedChecks(a)} failed`)).toContain(
      `${okPoints} ok, ${failurePoints} failed`,
    );
    expect(await page.locator('main').textContent()).toContain('Open');
    await saveScreenshot(page, 'numbers-monitor-outage');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, 'numbers-monitor-outage-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
    target.setStatus(200);
  }, 240_000);
});
