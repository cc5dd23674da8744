import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import { saveScreenshot } from './support/chromium';
import { type Dashboard, type DashboardApi, signUpInDashboard, startDashboard } from './support/dashboard';
import type { RunningStack } from './support/stack';

const SEES_CHANGE_MS = 40_000;
const email = 'escalation-lead@example.com';

let dashboard: Dashboard;
let stack: RunningStack;
let page: Page;
let api: DashboardApi;
let hook: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  hook = await startReceiver();
  dashboard = await startDashboard({ env: { ONCALL_MINUTE_MS: '1000' } });
  ({ stack, page } = dashboard);
}, 300_000);

afterAll(async () => {
  await dashboard?.stop();
  await hook?.close();
}, 60_000);

describe('escalation in headless Chromium against the real stack', () => {
  it('creates a policy on the escalation page, and the incident page shows who its step notified', async () => {
    api = await signUpInDashboard(page, stack, { email, organizationName: 'Escalation Org' });
    await api('/v1/channels', {
      method: 'POST',
      body: { type: 'webhook', name: 'pager hook', config: { url: hook.url } },
    });

    await page.goto(`${stack.web}/escalation`);
    await page.getByRole('heading', { name: 'Escalation policies' }).waitFor();
    await page.getByLabel('Name').fill('Primary on call');
    await page.getByLabel('Channel: pager hook').check();
    await page.getByLabel('Then wait (minutes)').fill('30');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('list', { name: 'Escalation policies' }).getByText('Primary on call').waitFor();
    const policies = await api<{ items: { id: string; name: string; steps: unknown[] }[] }>(
      '/v1/escalation-policies',
    );
    expect(policies.items).toHaveLength(1);
    const [policy] = policies.items;
    expect(policy?.steps).toHaveLength(1);
    await saveScreenshot(page, 'escalation-policies');

    // A monitor on the policy goes down (its target refuses connections): step 1 notifies the hook.
    const monitor = await api<{ id: string }>('/v1/monitors', {
      method: 'POST',
      body: {
        type: 'http',
        name: 'Down on purpose',
        url: 'http://127.0.0.1:9/health',
        intervalSeconds: 2,
        timeoutMs: 1000,
        retryIntervalSeconds: 1,
        channelIds: [],
        escalationPolicyId: policy?.id,
      },
    });
    await waitFor(
      'the step to reach the hook',
      () => hook.received.some((r) => r.body.event === 'monitor.down') || undefined,
      { timeoutMs: 90_000 },
    );
    const incidents = await api<{ items: { id: string }[] }>(`/v1/incidents?monitorId=${monitor.id}`);
    await page.goto(`${stack.web}/incidents/${incidents.items[0]?.id}`);
    const escalation = page.getByRole('region', { name: 'Escalation' });
    await escalation.getByText('Policy: Primary on call.').waitFor({ timeout: SEES_CHANGE_MS });
    const row = escalation.getByRole('table', { name: 'Notifications' }).getByRole('row').nth(1);
    await row.getByText('Step 1').waitFor({ timeout: SEES_CHANGE_MS });
    await row.getByText('pager hook').waitFor();
    await escalation.getByText('Not acknowledged.').waitFor();
    await saveScreenshot(page, 'incident-escalation');
  }, 240_000);

  it('creates a policy with a rotation target, then edits it: a wait changed, a step added and moved first', async () => {
    const me = await api<{ user: { id: string } }>('/v1/me');
    const rotation = await api<{ id: string }>('/v1/oncall-rotations', {
      method: 'POST',
      body: {
        name: 'Primary rotation',
        cadence: 'weekly',
        handoffWeekday: 1,
        handoffTime: '09:00',
        timeZone: 'UTC',
        startsAt: new Date().toISOString(),
        memberIds: [me.user.id],
      },
    });
    const hookId = (await api<{ items: { id: string }[] }>('/v1/channels')).items[0]?.id;

    await page.goto(`${stack.web}/escalation`);
    await page.getByRole('heading', { name: 'New policy' }).waitFor();
    await page.getByLabel('Name').fill('Follow the rotation');
    const first = page.getByRole('group', { name: 'Step 1' });
    await first.getByLabel('Rotation: Primary rotation (whoever is on call)').check();
    await first.getByLabel('Then wait (minutes)').fill('10');
    await page.getByRole('button', { name: 'Create policy' }).click();
    const list = page.getByRole('list', { name: 'Escalation policies' });
    await list.getByText('1: on call in Primary rotation, then 10 min').waitFor();
    const created = (
      await api<{ items: { id: string; name: string; steps: unknown[] }[] }>('/v1/escalation-policies')
    ).items.find((p) => p.name === 'Follow the rotation');
    expect(created?.steps).toEqual([
      { waitMinutes: 10, targets: [{ type: 'rotation', rotationId: rotation.id }] },
    ]);

    await page.getByRole('button', { name: 'Edit Follow the rotation' }).click();
    await page.getByRole('heading', { name: 'Edit policy Follow the rotation' }).waitFor();
    expect(await first.getByLabel('Rotation: Primary rotation (whoever is on call)').isChecked()).toBe(true);
    await first.getByLabel('Then wait (minutes)').fill('15');
    await page.getByRole('button', { name: 'Add a step' }).click();
    const second = page.getByRole('group', { name: 'Step 2' });
    await second.getByLabel('Channel: pager hook').check();
    await second.getByLabel('Then wait (minutes)').fill('20');
    await page.getByRole('button', { name: 'Move up step 2' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved policy Follow the rotation.').waitFor();

    await page.reload();
    await list
      .getByText('1: pager hook, then 20 min · 2: on call in Primary rotation, then 15 min')
      .waitFor({ timeout: SEES_CHANGE_MS });
    await page.getByRole('button', { name: 'Edit Follow the rotation' }).click();
    await page.getByRole('heading', { name: 'Edit policy Follow the rotation' }).waitFor();
    expect(
      await page.getByRole('group', { name: 'Step 1' }).getByLabel('Then wait (minutes)').inputValue(),
    ).toBe('20');
    expect(
      await page.getByRole('group', { name: 'Step 2' }).getByLabel('Then wait (minutes)').inputValue(),
    ).toBe('15');
    await saveScreenshot(page, 'escalation-policy-edit');
    const edited = await api<{ name: string; steps: unknown[] }>(`/v1/escalation-policies/${created?.id}`);
    expect(edited).toMatchObject({
      name: 'Follow the rotation',
      steps: [
        { waitMinutes: 20, targets: [{ type: 'channel', channelId: hookId }] },
        { waitMinutes: 15, targets: [{ type: 'rotation', rotationId: rotation.id }] },
      ],
    });
  }, 120_000);
});
