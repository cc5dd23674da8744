import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCall, signUpOwner, startTestStack, type TestStack } from '../../../test/support/stack';
import { startSite } from './browser-support';
import { waitFor } from './helpers';

// The local launcher with REGIONS=eu,us (one worker per region, each with its browser pool).

let db: TestDatabase;
let stack: TestStack;
let api: string;
let call: ApiCall;
let site: Awaited<ReturnType<typeof startSite>>;

/** A probe asked at most once a second: the API limits requests per client. */
const paced =
  <T>(probe: () => Promise<T>) =>
  async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return probe();
  };

interface Result {
  region: string;
  ok: boolean;
  scheduledAt: string;
  kind: string;
  screenshot: boolean;
  details: { label: string }[];
}

beforeAll(async () => {
  db = await createTestDatabase();
  stack = await startTestStack({
    databaseUrl: db.url,
    apps: 'api,scheduler,worker,verifier',
    regions: 'eu,us',
  });
  api = stack.api;
  call = await signUpOwner(api, 'browser@example.com', 'B');
  site = await startSite();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await site?.close();
  await db?.drop();
}, 60_000);

describe('browser checks through the local stack', () => {
  it('run in both regions: a passing script brings its monitor up, a failing one leaves a served screenshot', async () => {
    const common = { intervalSeconds: 60, timeoutMs: 30_000, retryIntervalSeconds: 5, url: `${site.url}/` };
    const passing = await call('POST', '/v1/monitors', {
      ...common,
      name: 'shop up',
      type: 'browser',
      // The sealed secret reaches the script from the worker's own read of the monitor.
      script: [
        'await page.fill("#email", secrets.mail);',
        "await page.click('#go');",
        "await expect(page.locator('#hello')).toHaveText('Hello');",
      ].join('\n'),
      secretVariables: { mail: 'sealed-mail@example.com' },
    });
    const failing = await call('POST', '/v1/monitors', {
      ...common,
      name: 'shop broken',
      type: 'browser',
      script: "await expect(page.locator('h1')).toHaveText('Sold out');",
    });
    expect(passing.regions).toEqual(['eu', 'us']);

    const resultsOf = async (id: string) =>
      (await call('GET', `/v1/monitors/${id}/results`)).items as Result[];
    const fromBoth = async (id: string) =>
      new Set((await resultsOf(id)).filter((r) => r.kind === 'scheduled').map((r) => r.region)).size === 2;
    await waitFor(
      'the passing monitor to be up',
      paced(async () => (await call('GET', `/v1/monitors/${passing.id}`)).state.status === 'up'),
      90_000,
    );
    await waitFor(
      'results of the passing monitor from both regions',
      paced(() => fromBoth(passing.id)),
      90_000,
    );
    await waitFor(
      'results of the failing monitor from both regions',
      paced(() => fromBoth(failing.id)),
      90_000,
    );

    expect(site.requests.some((r) => r.startsWith('/account?email=sealed-mail%40example.com'))).toBe(true);
    const good = await resultsOf(passing.id);
    expect(good.every((r) => r.ok && !r.screenshot)).toBe(true);
    expect(good[0]?.details.map((d) => d.label)).toContain('Script time');
    const bad = (await resultsOf(failing.id)).filter((r) => r.kind === 'scheduled');
    expect(bad.every((r) => !r.ok && r.screenshot)).toBe(true);
    const shot = bad[0] as Result;
    const png = await fetch(
      `${api}/v1/monitors/${failing.id}/results/screenshot?scheduledAt=${encodeURIComponent(shot.scheduledAt)}&region=${shot.region}`,
      { headers: { authorization: `Bearer ${call.accessToken}` } },
    );
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');
  }, 240_000);
});
