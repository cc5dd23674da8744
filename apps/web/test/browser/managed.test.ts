import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, signUpInDashboard, startDashboard } from './support/dashboard';
import type { RunningStack } from './support/stack';

const EMAIL = 'gitops@example.com';

let dashboard: Dashboard;
let stack: RunningStack;
let page: Page;
let managedId: string;
let handmadeId: string;

const hour = 3_600_000;
const startsAt = new Date(Date.now() + 24 * hour).toISOString();
const endsAt = new Date(Date.now() + 25 * hour).toISOString();

beforeAll(async () => {
  dashboard = await startDashboard({ apps: 'api,web' });
  ({ stack, page } = dashboard);
  const api = await signUpInDashboard(page, stack, { email: EMAIL, organizationName: 'GitOps Org' });
  const monitor = { type: 'http', url: 'https://example.com/health', intervalSeconds: 300 };
  const rotation = {
    cadence: 'weekly',
    handoffTime: '09:00',
    handoffWeekday: 1,
    timeZone: 'Europe/Berlin',
    startsAt: '2026-01-05T08:00:00Z',
  };
  await api('/v1/managed/apply', {
    method: 'POST',
    body: {
      resources: {
        monitors: [{ key: 'checkout', name: 'Checkout from file', ...monitor }],
        channels: [{ key: 'ops', type: 'email', name: 'Ops from file', config: { to: ['ops@example.com'] } }],
        maintenanceWindows: [
          { key: 'upgrade', name: 'Upgrade from file', monitors: ['checkout'], startsAt, endsAt },
        ],
        statusPages: [
          {
            key: 'public',
            slug: 'from-file',
            title: 'Page from file',
            components: [{ name: 'Shop', description: 'Checkout and search', monitors: ['checkout'] }],
            description: 'Status of the shop',
            brandColor: '#336699',
            links: [{ label: 'Support', url: 'https://example.com/support' }],
            customDomain: 'status.from-file.test',
            badgesEnabled: true,
          },
        ],
        oncallRotations: [{ key: 'primary', name: 'Rota from file', ...rotation, members: [EMAIL] }],
        escalationPolicies: [
          {
            key: 'default',
            name: 'Policy from file',
            steps: [{ waitMinutes: 10, targets: [{ channel: 'ops' }, { rotation: 'primary' }] }],
          },
        ],
        groups: [{ key: 'shop', name: 'Group from file' }],
      },
    },
  });
  managedId = (await api<{ items: { id: string }[] }>('/v1/monitors?key=checkout')).items[0]?.id ?? '';
  handmadeId = (
    await api<{ id: string }>('/v1/monitors', { method: 'POST', body: { name: 'Made by hand', ...monitor } })
  ).id;
  await api('/v1/channels', {
    method: 'POST',
    body: { type: 'email', name: 'Ops by hand', config: { to: ['hand@example.com'] } },
  });
  await api('/v1/maintenance-windows', {
    method: 'POST',
    body: { name: 'Upgrade by hand', monitorIds: [handmadeId], startsAt, endsAt },
  });
  await api('/v1/status-pages', {
    method: 'POST',
    body: { slug: 'by-hand', title: 'Page by hand', monitorIds: [handmadeId] },
  });
  const me = await api<{ user: { id: string } }>('/v1/me');
  const rota = await api<{ id: string }>('/v1/oncall-rotations', {
    method: 'POST',
    body: { name: 'Rota by hand', ...rotation, memberIds: [me.user.id] },
  });
  await api('/v1/escalation-policies', {
    method: 'POST',
    body: {
      name: 'Policy by hand',
      steps: [{ waitMinutes: 10, targets: [{ type: 'rotation', rotationId: rota.id }] }],
    },
  });
  await api('/v1/monitor-groups', { method: 'POST', body: { name: 'Group by hand' } });
  await page.reload();
  await page.locator('.monitors-table tbody tr').first().waitFor();
}, 360_000);

afterAll(async () => {
  await dashboard?.stop();
}, 60_000);

describe('resources managed by code in the dashboard', () => {
  it('shows "Managed by code" on a monitor an apply made, and not on one made by hand', async () => {
    await page.goto(`${stack.web}/monitors/${managedId}`);
    await page.getByRole('heading', { name: 'Checkout from file' }).waitFor();
    await expect(page.locator('.badge--managed').textContent()).resolves.toBe('Managed by code');
    await page.goto(`${stack.web}/monitors/${handmadeId}`);
    await page.getByRole('heading', { name: 'Made by hand' }).waitFor();
    expect(await page.locator('.badge--managed').count()).toBe(0);
  }, 60_000);

  it('warns on the edit form of a managed monitor that the next apply undoes the edit', async () => {
    await page.goto(`${stack.web}/monitors/${managedId}/edit`);
    const warning = page.locator('.managed-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('the next sentinelmesh apply undoes any edit made here');
    await page.goto(`${stack.web}/monitors/${handmadeId}/edit`);
    await page.locator('form').first().waitFor();
    expect(await page.locator('.managed-warning').count()).toBe(0);
  }, 60_000);

  /** Each kind's page: where its rows are, and the name of the one from the file and the one by hand. */
  const pages = [
    { path: '/channels', heading: 'Alert channels', what: 'channel', row: '.channel-card', kind: 'Ops' },
    {
      path: '/maintenance',
      heading: 'Maintenance windows',
      what: 'maintenance window',
      row: 'tbody tr',
      kind: 'Upgrade',
    },
    { path: '/status-pages', heading: 'Status pages', what: 'status page', row: 'tbody tr', kind: 'Page' },
    { path: '/rotations', heading: 'On-call rotations', what: 'rotation', row: 'tbody tr', kind: 'Rota' },
    {
      path: '/escalation',
      heading: 'Escalation policies',
      what: 'escalation policy',
      row: 'ul[aria-label="Escalation policies"] > li',
      kind: 'Policy',
    },
    { path: '/groups', heading: 'Monitor groups', what: 'group', row: 'tbody tr', kind: 'Group' },
  ];

  for (const { path, heading, what, row, kind } of pages) {
    it(`shows the badge on the ${what} an apply made, and warns when its edit form opens`, async () => {
      await page.goto(`${stack.web}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      const fromFile = page.locator(row, { hasText: `${kind} from file` });
      const byHand = page.locator(row, { hasText: `${kind} by hand` });
      await fromFile.locator('.badge--managed').waitFor();
      expect(await fromFile.locator('.badge--managed').textContent()).toBe('Managed by code');
      await byHand.waitFor();
      expect(await byHand.locator('.badge--managed').count()).toBe(0);

      await byHand.getByRole('button', { name: `Edit ${kind} by hand` }).click();
      await page.getByRole('button', { name: 'Save changes' }).waitFor();
      expect(await page.locator('.managed-warning').count()).toBe(0);
      await page.reload();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await fromFile.getByRole('button', { name: `Edit ${kind} from file` }).click();
      const warning = page.locator('.managed-warning');
      await warning.waitFor();
      expect(await warning.textContent()).toContain(`This ${what} comes from a sentinelmesh.yaml`);
      expect(await warning.textContent()).toContain('the next sentinelmesh apply undoes any edit made here');
    }, 60_000);
  }
});
