import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastHttpMonitor, startReceiver } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import { launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';
import { type RunningStack, startStack } from './support/stack';

const SLUG = 'maintenance-test';

let db: TestDatabase;
let stack: RunningStack;
let browser: Browser;
let page: Page;
let hook: Awaited<ReturnType<typeof startReceiver>>;
let token = '';

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`${stack.api}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  db = await createTestDatabase();
  hook = await startReceiver();
  [stack, browser] = await Promise.all([startStack(db.url), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await hook?.close();
  await db?.drop();
}, 60_000);

describe('recurring maintenance in headless Chromium against the real stack', () => {
  it('is announced on the public page ahead of time and while it runs, and holds the alerts of a failing monitor', async () => {
    const signup = await fetch(`${stack.api}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'maint-lead@example.com',
        password: 'correct horse battery',
        organizationName: 'Maintenance Org',
      }),
    });
    token = ((await signup.json()) as { accessToken: string }).accessToken;
    const channel = await api<{ id: string }>('/v1/channels', {
      method: 'POST',
      body: { type: 'webhook', name: 'on-call hook', config: { url: hook.url } },
    });
    // Both monitors fail from their first check (nothing listens on port 9).
    const quiet = await api<{ id: string }>('/v1/monitors', {
      method: 'POST',
      body: { ...fastHttpMonitor('http://127.0.0.1:9/health', [channel.id]), name: 'Patched database' },
    });
    const loud = await api<{ id: string }>('/v1/monitors', {
      method: 'POST',
      body: { ...fastHttpMonitor('http://127.0.0.1:9/other', [channel.id]), name: 'Unpatched cache' },
    });
    await api('/v1/status-pages', {
      method: 'POST',
      body: { slug: SLUG, title: 'Maintenance status', monitorIds: [quiet.id, loud.id] },
    });
    // A daily window that began at the top of this UTC hour and lasts two hours covers now; another
    // daily one three hours later is upcoming.
    const hour = new Date().getUTCHours();
    const startsAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await api('/v1/maintenance-windows', {
      method: 'POST',
      body: {
        name: 'Nightly vacuum',
        monitorIds: [quiet.id],
        startsAt,
        recurrence: { rrule: `FREQ=DAILY;BYHOUR=${hour}`, timeZone: 'UTC', durationMinutes: 120 },
      },
    });
    await api('/v1/maintenance-windows', {
      method: 'POST',
      body: {
        name: 'Kernel patching',
        monitorIds: [quiet.id, loud.id],
        startsAt,
        recurrence: { rrule: `FREQ=DAILY;BYHOUR=${(hour + 3) % 24}`, timeZone: 'UTC', durationMinutes: 60 },
      },
    });

    await page.goto(`${stack.web}/status/${SLUG}`);
    const running = page.getByRole('list', { name: 'Maintenance in progress' });
    const scheduled = page.getByRole('list', { name: 'Scheduled maintenance' });
    await running.getByRole('heading', { name: 'Nightly vacuum' }).waitFor({ timeout: 30_000 });
    expect(await running.getByRole('listitem').count()).toBe(1);
    const started = await running.locator('time').first().getAttribute('datetime');
    expect(Date.parse(started ?? '')).toBeLessThanOrEqual(Date.now());
    await scheduled.getByRole('heading', { name: 'Kernel patching' }).first().waitFor();
    const next = await scheduled.locator('time').first().getAttribute('datetime');
    expect(Date.parse(next ?? '')).toBeGreaterThan(Date.now());
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'status-page-maintenance');

    // The monitor outside maintenance goes down and alerts; the one inside shows `maintenance` and sends nothing.
    await waitFor(
      'the unpatched monitor to go down',
      async () =>
        (await api<{ state: { status: string } }>(`/v1/monitors/${loud.id}`)).state.status === 'down' ||
        undefined,
      { timeoutMs: 90_000 },
    );
    await waitFor(
      'the unpatched monitor to alert',
      () =>
        hook.received.some(
          (r) => r.body.event === 'monitor.down' && (r.body.monitor as { id?: string })?.id === loud.id,
        ) || undefined,
      { timeoutMs: 90_000 },
    );
    await waitFor(
      'the patched monitor to be held in maintenance',
      async () =>
        (await api<{ state: { status: string } }>(`/v1/monitors/${quiet.id}`)).state.status ===
          'maintenance' || undefined,
      { timeoutMs: 60_000 },
    );
    const alerts = await api<{ items: unknown[] }>(`/v1/alerts?monitorId=${quiet.id}`);
    expect(alerts.items).toEqual([]);
    expect(hook.received.filter((r) => (r.body.monitor as { id?: string })?.id === quiet.id)).toEqual([]);
  }, 240_000);
});
