import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastHttpMonitor, startReceiver, startTarget } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import { saveScreenshot, seriousA11yViolations } from './support/chromium';
import { type Dashboard, type DashboardApi, signUpInDashboard, startDashboard } from './support/dashboard';
import type { RunningStack } from './support/stack';

// The dashboard polls every 10 s, so each visible change may take one poll after the fact.
const SEES_CHANGE_MS = 40_000;
const email = 'deps-lead@example.com';

let dashboard: Dashboard;
let stack: RunningStack;
let page: Page;
let api: DashboardApi;
let parentTarget: Awaited<ReturnType<typeof startTarget>>;
let childTarget: Awaited<ReturnType<typeof startTarget>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const ids = { parent: '', child: '', group: '' };

/** What the receiver got about one monitor, as events in order. */
const eventsOf = (monitorId: string) =>
  receiver.received
    .filter((r) => (r.body.monitor as { id?: string } | undefined)?.id === monitorId)
    .map((r) => r.body.event);

beforeAll(async () => {
  parentTarget = await startTarget();
  childTarget = await startTarget();
  receiver = await startReceiver();
  dashboard = await startDashboard();
  ({ stack, page } = dashboard);
}, 300_000);

afterAll(async () => {
  await dashboard?.stop();
  await parentTarget?.close();
  await childTarget?.close();
  await receiver?.close();
}, 60_000);

describe('groups and dependencies in headless Chromium against the real stack', () => {
  it('makes a group on the Groups page and picks it as a parent on the monitor form', async () => {
    api = await signUpInDashboard(page, stack, { email, organizationName: 'Dependencies Org' });
    const channel = await api<{ id: string }>('/v1/channels', {
      method: 'POST',
      body: { type: 'webhook', name: 'On-call hook', config: { url: `${receiver.url}/hook` } },
    });
    const create = (name: string, url: string) =>
      api<{ id: string }>('/v1/monitors', {
        method: 'POST',
        body: { ...fastHttpMonitor(url, [channel.id]), name },
      });
    ids.parent = (await create('Core router', parentTarget.url)).id;
    ids.child = (await create('Checkout', childTarget.url)).id;

    await page.getByRole('link', { name: 'Groups' }).first().click();
    await page.getByRole('heading', { name: 'Monitor groups', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Network');
    await page.getByRole('group', { name: 'Members' }).getByLabel('Core router').check();
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByText('Created group Network.').waitFor();
    const row = page.locator('tbody tr', { hasText: 'Network' });
    await row.getByRole('link', { name: 'Core router' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    const groups = await api<{ items: Array<{ id: string; name: string; monitorIds: string[] }> }>(
      '/v1/monitor-groups',
    );
    expect(groups.items).toMatchObject([{ name: 'Network', monitorIds: [ids.parent] }]);
    ids.group = groups.items[0]?.id ?? '';

    await page.goto(`${stack.web}/monitors/${ids.child}/edit`);
    const picker = page.getByRole('group', { name: 'Group and dependencies' });
    await picker.getByLabel('Network (group)').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((url) => url.pathname === `/monitors/${ids.child}`);
    const child = await api<{ dependsOn: { monitorIds: string[]; groupIds: string[] } }>(
      `/v1/monitors/${ids.child}`,
    );
    expect(child.dependsOn).toEqual({ monitorIds: [], groupIds: [ids.group] });
    // The form shows what is stored when opened again.
    await page.goto(`${stack.web}/monitors/${ids.child}/edit`);
    expect(await page.getByLabel('Network (group)').isChecked()).toBe(true);
    await saveScreenshot(page, 'monitor-form-dependencies');
  }, 180_000);

  it('keeps the child silent while its parent group is down, says so on its incident page, and alerts once the parent is up', async () => {
    parentTarget.setStatus(503);
    await waitFor('the parent down alert', () => eventsOf(ids.parent).includes('monitor.down'), {
      timeoutMs: 30_000,
    });
    childTarget.setStatus(503);
    let incidentId = '';
    await waitFor(
      'a suppressed incident of the child',
      async () => {
        const open = await api<{ items: Array<{ id: string; suppressedBy: string | null }> }>(
          `/v1/incidents?status=open&monitorId=${ids.child}`,
        );
        incidentId = open.items[0]?.suppressedBy ? (open.items[0]?.id ?? '') : '';
        return incidentId !== '';
      },
      { timeoutMs: 30_000 },
    );
    await page.goto(`${stack.web}/incidents/${incidentId}`);
    await page.getByTestId('incident-suppressed').getByText('Suppressed: parent "Network" is down.').waitFor({
      timeout: SEES_CHANGE_MS,
    });
    expect(eventsOf(ids.child)).toEqual([]);
    await saveScreenshot(page, 'incident-suppressed');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The parent recovers while the child is still down: the child's down goes out now.
    parentTarget.setStatus(200);
    await waitFor('the child down alert', () => eventsOf(ids.child).includes('monitor.down'), {
      timeoutMs: 30_000,
    });
    expect(eventsOf(ids.parent)).toEqual(['monitor.down', 'monitor.up']);
    await page.reload();
    await page
      .getByTestId('incident-suppressed')
      .getByText(/Its alerts went out at/)
      .waitFor({ timeout: SEES_CHANGE_MS });
    childTarget.setStatus(200);
    await waitFor('the child up alert', () => eventsOf(ids.child).includes('monitor.up'), {
      timeoutMs: 30_000,
    });
    expect(eventsOf(ids.child)).toEqual(['monitor.down', 'monitor.up']);
  }, 180_000);
});
