import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, testBrowserPool } from './browser-support';

let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

describe('closing the browser pool', () => {
  it('lets the runs under way finish, then refuses new ones', async () => {
    const pool = testBrowserPool(1);
    const task = {
      script: "await expect(page.locator('h1')).toHaveText('Welcome');",
      url: `${site.url}/`,
      timeoutMs: 20_000,
      allowPrivateTargets: true,
    };
    const running = pool.run(task);
    const waiting = pool.run(task);
    expect(pool.busy).toBe(2);

    let closed = false;
    const closing = pool.close().then(() => {
      closed = true;
    });
    expect(await running).toMatchObject({ end: 'done', ok: true });
    // The second run took the freed place and is still under way: closing waits for it.
    expect(closed).toBe(false);
    expect(await waiting).toMatchObject({ end: 'done', ok: true });
    await closing;
    expect(closed).toBe(true);
    expect(pool.busy).toBe(0);

    expect(await pool.run(task)).toEqual({
      end: 'crashed',
      message: 'the browser pool is closed',
      proxyFailures: [],
    });
  }, 60_000);

  it('resolves at once when nothing runs', async () => {
    await expect(testBrowserPool(1).close()).resolves.toBeUndefined();
  });
});
