import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, runnerArgs } from '../src/browser/pool';
import { browserCheck } from '../src/checks/browser-check';
import type { CheckContext } from '../src/checks/context';
import { browserSpec, RUNNER, startSite, testBrowserPool } from './browser-support';

const pool = testBrowserPool(2);
let site: Awaited<ReturnType<typeof startSite>>;
const ctx: CheckContext = {
  region: 'local',
  userAgent: 'SentinelMesh/test',
  allowPrivateTargets: true,
  now: () => new Date(),
  browsers: pool,
};

beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

describe('browser checks', () => {
  it('passes a script that signs in and finds its page, with Web Vitals as details', async () => {
    const script = [
      "await page.fill('#email', 'probe@example.com');",
      "await page.click('#go');",
      "await expect(page.locator('#hello')).toHaveText('Hello');",
      "expect(await page.textContent('#mail')).toBe('probe@example.com');",
      "expect(await page.title()).toContain('Account');",
    ].join('\n');
    const outcome = await browserCheck(browserSpec(script, { url: `${site.url}/` }), ctx);
    expect(outcome.error).toBeNull();
    expect(outcome.ok).toBe(true);
    expect(outcome.screenshot).toBeUndefined();
    const labels = (outcome.details ?? []).map((d) => d.label);
    expect(labels).toEqual(
      expect.arrayContaining(['Script time', 'Steps', 'First Contentful Paint', 'Time to First Byte']),
    );
    expect(outcome.details?.find((d) => d.label === 'Steps')?.value).toBe(6);
    expect(outcome.latencyMs).toBeGreaterThan(0);
    expect(site.requests.some((r) => r.startsWith('/account?email=probe%40example.com'))).toBe(true);
  });

  it('fails at the line and step that went wrong, with a PNG screenshot of the page', async () => {
    const script = [
      `await page.goto('${site.url}/');`,
      "await expect(page.locator('h1')).toHaveText('Welcome');",
      "await expect(page.locator('h1')).toHaveText('Closed for the day');",
    ].join('\n');
    const outcome = await browserCheck(browserSpec(script), ctx);
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.kind).toBe('assertion');
    expect(outcome.error?.message).toMatch(
      /^line 3: expect\("h1"\) text: expected h1 to have text "Closed for the day"/,
    );
    expect(outcome.error?.message).toContain('got "Welcome"');
    const png = outcome.screenshot;
    expect(png).toBeDefined();
    expect(
      Buffer.from(png as Uint8Array)
        .subarray(0, 8)
        .toString('hex'),
    ).toBe('89504e470d0a1a0a');
  });

  it("names the line of the script's own error", async () => {
    const outcome = await browserCheck(browserSpec('const a = 1;\n\nnotDefined.call();'), ctx);
    expect(outcome.error?.message).toMatch(/^line 3: .*notDefined is not defined/);
  });

  it('kills a script that never ends at the monitor timeout, naming its last step', async () => {
    const script = `await page.goto('${site.url}/');\nwhile (true) {}`;
    const started = performance.now();
    const outcome = await browserCheck(browserSpec(script, { timeoutMs: 2_000 }), ctx);
    const tookMs = performance.now() - started;
    expect(outcome.error?.kind).toBe('timeout');
    expect(outcome.error?.message).toMatch(/did not finish within 2000 ms \(at line 1: page\.goto/);
    // Start-up (Chromium and the runner) comes before the time limit; the loop itself is cut at 2 s.
    expect(tookMs).toBeLessThan(2_000 + 30_000);
  });

  it('kills an asynchronous endless loop too', async () => {
    const script = 'for (;;) { await Promise.resolve(); }';
    const outcome = await browserCheck(browserSpec(script, { timeoutMs: 1_500 }), ctx);
    expect(outcome.error?.kind).toBe('timeout');
  });

  it('gives the script no process, require, environment or way to the host realm', async () => {
    const script = [
      'const seen = [typeof process, typeof require, typeof module, typeof globalThis.process, typeof Buffer];',
      'let escaped = "no";',
      'try { escaped = String(page.goto.constructor("return typeof process")()); } catch (e) { escaped = e.name; }',
      'let viaEval = "no";',
      'try { viaEval = String(eval("1 + 1")); } catch (e) { viaEval = e.name; }',
      'throw new Error("seen " + seen.join(",") + " " + escaped + " " + viaEval);',
    ].join('\n');
    const outcome = await browserCheck(browserSpec(script), ctx);
    expect(outcome.error?.message).toBe(
      'line 6: seen undefined,undefined,undefined,undefined,undefined EvalError EvalError',
    );
  });

  it('starts the runner with an empty environment under the permission model', () => {
    const args = runnerArgs(RUNNER, 128);
    expect(args[0]).toMatch(/^--(experimental-)?permission$/);
    expect(args.some((a) => a.startsWith('--allow-fs-write') || a.startsWith('--allow-child-process'))).toBe(
      false,
    );
    expect(args).toContain('--max-old-space-size=128');
    expect(chromiumArgs(4321, 256)).toEqual(
      expect.arrayContaining(['--proxy-server=http://127.0.0.1:4321', '--proxy-bypass-list=<-loopback>']),
    );
  });

  it('refuses a private target through the proxy when private targets are not allowed', async () => {
    const before = site.requests.length;
    const outcome = await browserCheck(browserSpec(`await page.goto('${site.url}/');`), {
      ...ctx,
      allowPrivateTargets: false,
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.kind).toBe('blocked_target');
    expect(outcome.error?.message).toContain('127.0.0.1');
    expect(site.requests.length).toBe(before);
  });

  it('gives the script its secret variables as secrets.NAME and masks their values in what it reports', async () => {
    const secretVariables = { email: 'vault@example.com', quote: 'pa"ss\\word' };
    const used = await browserCheck(
      browserSpec(
        [
          'await page.fill("#email", secrets.email);',
          "await page.click('#go');",
          "expect(await page.textContent('#mail')).toBe(secrets.email);",
          'expect(Object.isFrozen(secrets) && Object.getPrototypeOf(secrets)).toBe(null);',
        ].join('\n'),
        { url: `${site.url}/`, secretVariables },
      ),
      ctx,
    );
    expect(used.error).toBeNull();
    expect(site.requests.some((r) => r.startsWith('/account?email=vault%40example.com'))).toBe(true);

    // The failing step's description holds both values (one JSON-escaped); the result holds neither.
    const failing = await browserCheck(
      browserSpec("await page.click('#missing-' + secrets.email + secrets.quote);", {
        url: `${site.url}/`,
        secretVariables,
        timeoutMs: 3_000,
      }),
      ctx,
    );
    expect(failing.ok).toBe(false);
    const stored = JSON.stringify(failing.error);
    expect(stored).toContain('#missing-••••••••');
    expect(stored).not.toContain('vault@example.com');
    expect(stored).not.toContain('pa\\"ss');
    const thrown = await browserCheck(
      browserSpec("throw new Error('token ' + secrets.email + ' refused');", { secretVariables }),
      ctx,
    );
    expect(thrown.error?.message).toBe('line 1: token •••• refused');
  });

  it('fails as internal on a worker without a browser pool', async () => {
    const { browsers: _none, ...bare } = ctx;
    const outcome = await browserCheck(browserSpec('await page.title();'), bare);
    expect(outcome.error).toEqual({ kind: 'internal', message: 'this worker runs no browser checks' });
  });
});
