import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../../../test/support/http-fixtures';
import { waitFor } from '../../../../test/support/wait';
import { launchChromium, saveScreenshot } from './support/chromium';
import { type RunningStack, startStack } from './support/stack';

const SEES_CHANGE_MS = 40_000;
const email = 'escalation-lead@example.com';
const password = 'correct horse battery';

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
  [stack, browser] = await Promise.all([startStack(db.url, { ONCALL_MINUTE_MS: '1000' }), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await hook?.close();
  await db?.drop();
}, 60_000);

describe('escalation in headless Chromium against the real stack', () => {
  it('creates a policy on the escalation page, and the incident page shows who its step notified', async () => {
    await page.goto(`${stack.web}/signup`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Organization name').fill('Escalation Org');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
    const login = await fetch(`${stack.api}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
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
});
