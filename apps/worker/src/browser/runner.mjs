// The process a browser check's script runs in, started by the pool with an empty environment and
// Node's permission model (no file writes, no child processes, reads of playwright-core only). It
// connects to the browser the pool launched, runs the script in a vm context that sees only the
// small `page`/`expect` facade below, and reports over IPC: `started`, `step`s, then one `done`.
// Plain JavaScript so it runs under bare `node` both from the sources and from dist/.
import { performance } from 'node:perf_hooks';
import vm from 'node:vm';

const SCRIPT_FILE = 'script.js';
const EXPECT_TIMEOUT_MS = 5_000;
// Browser actions stop this long before the time limit, so a failing one leaves time for the screenshot.
const reserveFor = (timeoutMs) => Math.min(2_000, timeoutMs / 4);

// Chromium's own metrics, kept by the page from its first paint (buffered observers).
const VITALS = `(() => {
  const v = { lcp: null, fcp: null, cls: 0 };
  Object.defineProperty(window, '__sentinelmeshVitals', { value: v });
  const watch = (type, each) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(each)).observe({ type, buffered: true }); } catch {}
  };
  watch('largest-contentful-paint', (e) => { v.lcp = e.renderTime || e.loadTime || e.startTime; });
  watch('paint', (e) => { if (e.name === 'first-contentful-paint') v.fcp = e.startTime; });
  watch('layout-shift', (e) => { if (!e.hadRecentInput) v.cls += e.value; });
})();`;

// Evaluated inside the script's context: every object the script can reach is made there, and the
// only way out is \`host\`, which takes and returns strings. Errors are re-made in the context.
const FACADE = `(function (host) {
  'use strict';
  const lineOf = (stack) => { const m = /${SCRIPT_FILE}:(\\d+)/.exec(String(stack)); return m ? Number(m[1]) : null; };
  const call = async (method, args) => {
    const line = lineOf(new Error().stack);
    let reply;
    try { reply = await host(method, JSON.stringify(args), line); } catch { reply = '{"error":"the browser did not answer"}'; }
    const parsed = JSON.parse(reply);
    if (parsed.error !== undefined) { const e = new Error(parsed.error); e.name = parsed.name || 'Error'; e.line = line; throw e; }
    return parsed.value;
  };
  const LOCATOR = Symbol('locator');
  const locator = (selector) => {
    const s = String(selector);
    return Object.freeze({
      [LOCATOR]: s,
      click: () => call('click', [s]),
      fill: (value) => call('fill', [s, String(value)]),
      press: (key) => call('press', [s, String(key)]),
      check: () => call('check', [s]),
      hover: () => call('hover', [s]),
      selectOption: (value) => call('selectOption', [s, String(value)]),
      textContent: () => call('textContent', [s]),
      innerText: () => call('innerText', [s]),
      inputValue: () => call('inputValue', [s]),
      getAttribute: (name) => call('getAttribute', [s, String(name)]),
      isVisible: () => call('isVisible', [s]),
      count: () => call('count', [s]),
      waitFor: (options) => call('waitFor', [s, String((options && options.state) || 'visible')]),
    });
  };
  const page = Object.freeze({
    goto: async (url) => { const status = await call('goto', [String(url)]); return Object.freeze({ status: () => status, ok: () => status !== null && status < 400 }); },
    reload: () => call('reload', []),
    title: () => call('title', []),
    url: () => call('url', []),
    content: () => call('content', []),
    waitForTimeout: (ms) => call('waitForTimeout', [Number(ms)]),
    waitForURL: (pattern) => call('waitForURL', [String(pattern)]),
    waitForSelector: (selector, options) => locator(selector).waitFor(options),
    locator,
    click: (s) => locator(s).click(),
    fill: (s, v) => locator(s).fill(v),
    press: (s, k) => locator(s).press(k),
    check: (s) => locator(s).check(),
    hover: (s) => locator(s).hover(),
    selectOption: (s, v) => locator(s).selectOption(v),
    textContent: (s) => locator(s).textContent(),
    innerText: (s) => locator(s).innerText(),
    inputValue: (s) => locator(s).inputValue(),
    getAttribute: (s, n) => locator(s).getAttribute(n),
    isVisible: (s) => locator(s).isVisible(),
  });
  const show = (v) => { try { return JSON.stringify(v); } catch { return String(v); } };
  const fail = (text) => { const e = new Error(text); e.name = 'ExpectError'; throw e; };
  const expect = (actual) => {
    if (actual && typeof actual === 'object' && LOCATOR in actual) {
      const s = actual[LOCATOR];
      const on = (matcher, expected) => call('expectLocator', [s, matcher, expected === undefined ? null : String(expected)]);
      return Object.freeze({
        toBeVisible: () => on('visible'),
        toBeHidden: () => on('hidden'),
        toHaveText: (t) => on('text', t),
        toContainText: (t) => on('containsText', t),
        toHaveCount: (n) => on('count', n),
      });
    }
    const check = (pass, text) => { if (!pass) fail(text); };
    return Object.freeze({
      toBe: (e) => check(Object.is(actual, e), 'expected ' + show(actual) + ' to be ' + show(e)),
      toEqual: (e) => check(show(actual) === show(e), 'expected ' + show(actual) + ' to equal ' + show(e)),
      toContain: (e) => check(actual != null && typeof actual.includes === 'function' && actual.includes(e), 'expected ' + show(actual) + ' to contain ' + show(e)),
      toMatch: (re) => check(new RegExp(re).test(String(actual)), 'expected ' + show(actual) + ' to match ' + String(re)),
      toBeTruthy: () => check(Boolean(actual), 'expected ' + show(actual) + ' to be truthy'),
      toBeFalsy: () => check(!actual, 'expected ' + show(actual) + ' to be falsy'),
      toBeGreaterThan: (n) => check(actual > n, 'expected ' + show(actual) + ' to be greater than ' + show(n)),
      toBeLessThan: (n) => check(actual < n, 'expected ' + show(actual) + ' to be less than ' + show(n)),
    });
  };
  return { page, expect };
})`;

const text = (value) => (typeof value === 'string' ? value : String(value ?? ''));

/** The monitor's secret values, longest first: masked in every step and error this process reports. */
let secretValues = [];
const SECRET_MASK = '••••';
const masked = (value) =>
  secretValues.reduce((out, secret) => out.split(secret).join(SECRET_MASK), text(value));

/** The browser actions the facade may ask for, by name; each takes and returns JSON values. */
function actionsFor(page, remainingMs) {
  const loc = (selector) => page.locator(text(selector)).first();
  const until = async (probe, what) => {
    const deadline = performance.now() + Math.min(EXPECT_TIMEOUT_MS, remainingMs());
    let last;
    for (;;) {
      last = await probe();
      if (last.pass) return null;
      if (performance.now() > deadline)
        throw Object.assign(new Error(`${what} (got ${JSON.stringify(last.got)})`), { name: 'ExpectError' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    goto: async ([url]) => {
      if (!/^https?:\/\//i.test(text(url))) throw new Error('page.goto takes an http(s) URL');
      const response = await page.goto(text(url), { waitUntil: 'load' });
      return response ? response.status() : null;
    },
    reload: async () => (await page.reload({ waitUntil: 'load' }))?.status() ?? null,
    title: () => page.title(),
    url: () => page.url(),
    content: () => page.content(),
    waitForTimeout: ([ms]) => page.waitForTimeout(Math.max(0, Math.min(Number(ms) || 0, 60_000))),
    waitForURL: ([pattern]) => page.waitForURL((u) => u.href.includes(text(pattern))),
    click: ([s]) => loc(s).click(),
    fill: ([s, v]) => loc(s).fill(text(v)),
    press: ([s, k]) => loc(s).press(text(k)),
    check: ([s]) => loc(s).check(),
    hover: ([s]) => loc(s).hover(),
    selectOption: async ([s, v]) => {
      await loc(s).selectOption(text(v));
    },
    textContent: ([s]) => loc(s).textContent(),
    // biome-ignore lint/performance/useDomNodeTextContent: the facade mirrors Playwright's innerText for scripts that use it
    innerText: ([s]) => loc(s).innerText(),
    inputValue: ([s]) => loc(s).inputValue(),
    getAttribute: ([s, n]) => loc(s).getAttribute(text(n)),
    isVisible: ([s]) => loc(s).isVisible(),
    count: ([s]) => page.locator(text(s)).count(),
    waitFor: ([s, state]) =>
      loc(s).waitFor({
        state: ['attached', 'detached', 'visible', 'hidden'].includes(state) ? state : 'visible',
      }),
    expectLocator: ([s, matcher, expected]) => {
      const all = page.locator(text(s));
      switch (matcher) {
        case 'visible':
          return until(
            async () => ({ pass: await all.first().isVisible(), got: 'not visible' }),
            `expected ${s} to be visible`,
          );
        case 'hidden':
          return until(
            async () => ({ pass: !(await all.first().isVisible()), got: 'visible' }),
            `expected ${s} to be hidden`,
          );
        case 'count':
          return until(async () => {
            const n = await all.count();
            return { pass: String(n) === expected, got: n };
          }, `expected ${s} to match ${expected} elements`);
        default: {
          const exact = matcher === 'text';
          return until(
            async () => {
              const got =
                (await all
                  .first()
                  .textContent({ timeout: 1_000 })
                  .catch(() => null)) ?? '';
              const trimmed = got.trim();
              return {
                pass: exact ? trimmed === expected : trimmed.includes(expected ?? ''),
                got: trimmed.slice(0, 100),
              };
            },
            `expected ${s} to ${exact ? 'have' : 'contain'} text ${JSON.stringify(expected)}`,
          );
        }
      }
    },
  };
}

const describeStep = (method, args) =>
  masked(`page.${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`).slice(0, 160);

/** Runs the script; resolves to null when it completes, or to the error that stopped it. */
async function runScript(source, page, report, remainingMs, secrets) {
  const context = vm.createContext(Object.create(null), {
    name: 'browser check',
    codeGeneration: { strings: false, wasm: false },
  });
  const actions = actionsFor(page, remainingMs);
  const host = async (method, argsJson, line) => {
    const args = JSON.parse(argsJson);
    const action = Object.hasOwn(actions, method) ? actions[method] : null;
    if (!action) return JSON.stringify({ error: `unknown action ${method}` });
    page.setDefaultTimeout(Math.max(100, remainingMs()));
    report({
      type: 'step',
      step:
        method === 'expectLocator'
          ? masked(`expect(${JSON.stringify(args[0])}) ${args[1]}`)
          : describeStep(method, args),
      line,
    });
    try {
      const value = await action(args);
      return JSON.stringify({ value: value === undefined ? null : value });
    } catch (error) {
      return JSON.stringify({
        error: masked(text(error?.message).split('\n')[0]).slice(0, 300),
        name: text(error?.name),
      });
    }
  };
  const { page: facadePage, expect } = new vm.Script(FACADE, { filename: 'facade.js' }).runInContext(context)(
    host,
  );
  context.page = facadePage;
  context.expect = expect;
  context.secrets = secrets;
  // One line up, so the script's first line is line 1 of script.js.
  const wrapped = new vm.Script(`(async () => {\n${source}\n})()`, { filename: SCRIPT_FILE, lineOffset: -1 });
  try {
    await wrapped.runInContext(context, { timeout: 1_000 });
    return null;
  } catch (error) {
    return error;
  }
}

/** The message, kind and line of what stopped a script (an object made in the script's context). */
function describeError(error, lastStep, inStep = false) {
  let message = 'the script failed';
  let name = 'Error';
  let line = null;
  try {
    message = masked(text(error?.message ?? error).split('\n')[0]).slice(0, 300);
    name = text(error?.name) || 'Error';
    // The facade marks the errors of browser actions with the line that called them.
    if (typeof error?.line === 'number') {
      line = error.line;
      inStep = true;
    }
    const m = new RegExp(`${SCRIPT_FILE}:(\\d+)`).exec(text(error?.stack));
    if (line === null && m) line = Number(m[1]);
  } catch {
    // A thrown value whose getters throw: keep the defaults.
  }
  return { message, name, line: line ?? (inStep ? lastStep.line : null), step: inStep ? lastStep.step : '' };
}

async function readVitals(page) {
  return page
    .evaluate(() => {
      const v = window.__sentinelmeshVitals ?? {};
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        lcp: v.lcp ?? null,
        fcp: v.fcp ?? null,
        cls: v.cls ?? null,
        ttfb: nav ? nav.responseStart : null,
      };
    })
    .catch(() => null);
}

/** The task's secret variables as a frozen object without a prototype, and their values to mask. */
function secretsOf(task) {
  const secrets = Object.create(null);
  for (const [name, value] of Object.entries(task.secrets ?? {})) {
    if (typeof value === 'string') secrets[name] = value;
  }
  // As written, and as JSON writes it inside a step's quoted arguments.
  secretValues = [...new Set(Object.values(secrets).flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))]
    .filter((value) => value.length > 0)
    .sort((a, b) => b.length - a.length);
  return Object.freeze(secrets);
}

async function run(task) {
  const secrets = secretsOf(task);
  const { chromium } = await import(task.playwright);
  const browser = await chromium.connect(task.wsEndpoint);
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  await page.addInitScript(VITALS);
  let last = { step: 'start', line: null };
  let steps = 0;
  const report = (message) => {
    last = { step: message.step, line: message.line };
    steps++;
    process.send?.(message);
  };
  process.send?.({ type: 'started' });
  const started = performance.now();
  const remainingMs = () =>
    Math.max(0, started + task.timeoutMs - reserveFor(task.timeoutMs) - performance.now());
  page.setDefaultTimeout(Math.max(100, remainingMs()));
  let error = null;
  if (task.url) {
    report({ type: 'step', step: describeStep('goto', [task.url]), line: null });
    await page.goto(task.url, { waitUntil: 'load' }).catch((e) => {
      error = describeError(e, last, true);
    });
  }
  if (!error) {
    const thrown = await runScript(task.script, page, report, remainingMs, secrets);
    if (thrown !== null) error = describeError(thrown, last);
  }
  const durationMs = performance.now() - started;
  const vitals = await readVitals(page);
  const screenshot = error ? await page.screenshot({ type: 'png', timeout: 5_000 }).catch(() => null) : null;
  await browser.close().catch(() => {});
  return {
    type: 'done',
    ok: error === null,
    error,
    vitals,
    steps,
    durationMs,
    screenshot: screenshot?.toString('base64') ?? null,
  };
}

process.once('message', (task) => {
  run(task).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error) =>
      process.send?.({ type: 'crashed', message: masked(error?.message).slice(0, 300) }, () =>
        process.exit(1),
      ),
  );
});
