import {
  type CheckDetail,
  type CheckError,
  type CheckOutcome,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
  MAX_SCREENSHOT_BYTES,
} from '@sentinelmesh/core';
import type { ProxyFailure } from '../browser/guarded-proxy';
import type { BrowserRunResult, BrowserVitals, ScriptError } from '../browser/pool';
import type { CheckContext } from './context';
import { answeredOutcome, failedOutcome, type Measured, shorten } from './outcome';

/** Stands for a secret value in what a run reports; the runner writes the same. */
const SECRET_MASK = '••••';

const definedSecrets = (variables: Readonly<Record<string, string | undefined>>) =>
  Object.fromEntries(Object.entries(variables).filter((e): e is [string, string] => e[1] !== undefined));

const BROWSER_SOURCES: ReadonlySet<string> = new Set(checkTypes.browser.assertions.sources);

const at = (line: number | null, step: string | null) =>
  [line === null ? null : `line ${line}`, step || null].filter(Boolean).join(': ');

/**
 * What stopped a script, as an error kind: Chromium's and Playwright's words, and what the proxy
 * met on the way to the host the error names (Chromium also fetches things of its own).
 */
function kindOf(error: ScriptError, failures: ProxyFailure[]): CheckError['kind'] {
  const met = failures.filter((f) => error.message.includes(f.host)).map((f) => f.code);
  if (met.some((code) => /^(ENOTFOUND|EAI_)/.test(code)) || /ERR_NAME_NOT_RESOLVED/.test(error.message))
    return 'dns';
  if (/ERR_CERT_|ERR_SSL_/.test(error.message)) return 'tls';
  if (
    met.some((code) => /^(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH)/.test(code)) ||
    /ERR_CONNECTION_|ERR_TUNNEL_CONNECTION_FAILED|ERR_EMPTY_RESPONSE/.test(error.message)
  )
    return 'connect';
  if (error.name === 'TimeoutError') return 'timeout';
  // A failed expect, or an error the script threw.
  return 'assertion';
}

function vitalsDetails(vitals: BrowserVitals | null): CheckDetail[] {
  if (!vitals) return [];
  const ms = (label: string, value: number | null): CheckDetail[] =>
    value === null ? [] : [{ label, value: Math.round(value), unit: 'ms' }];
  return [
    ...ms('Largest Contentful Paint', vitals.lcp),
    ...ms('First Contentful Paint', vitals.fcp),
    ...(vitals.cls === null
      ? []
      : [{ label: 'Cumulative Layout Shift', value: Math.round(vitals.cls * 1000) / 1000 }]),
    ...ms('Time to First Byte', vitals.ttfb),
  ];
}

/** A run's outcome: ok, the script's first error (naming its line and step), or the time limit. */
export function browserOutcome(
  result: BrowserRunResult,
  spec: Pick<CheckSpecOf<'browser'>, 'timeoutMs' | 'assertions'>,
  now: Date,
): CheckOutcome {
  if (result.end === 'timeout') {
    const where = at(result.line, result.step);
    return failedOutcome(
      {
        kind: 'timeout',
        message: shorten(
          `the script did not finish within ${spec.timeoutMs} ms${where ? ` (at ${where})` : ''}`,
        ),
      },
      { latencyMs: spec.timeoutMs },
    );
  }
  if (result.end === 'crashed') return failedOutcome({ kind: 'internal', message: shorten(result.message) });
  const measured: Measured = {
    statusCode: null,
    latencyMs: result.durationMs,
    phases: { ...emptyPhases, ttfbMs: result.vitals?.ttfb ?? null },
    certExpiresAt: null,
  };
  const details: CheckDetail[] = [
    { label: 'Script time', value: Math.round(result.durationMs), unit: 'ms' },
    { label: 'Steps', value: result.steps, unit: 'count' },
    ...vitalsDetails(result.vitals),
  ];
  const screenshot =
    result.screenshot && result.screenshot.length <= MAX_SCREENSHOT_BYTES ? result.screenshot : undefined;
  if (result.screenshot && !screenshot)
    details.push({ label: 'Screenshot dropped (bytes)', value: result.screenshot.length, unit: 'bytes' });
  // A page that asked for a refused address fails as blocked, even when the script went on.
  const blocked = result.proxyFailures.find((f) => f.code === 'EBLOCKEDTARGET');
  if (result.error || blocked) {
    const where = result.error ? at(result.error.line, result.error.step) : '';
    const error: CheckError = blocked
      ? { kind: 'blocked_target', message: `blocked: ${blocked.message}` }
      : {
          kind: kindOf(result.error as ScriptError, result.proxyFailures),
          message: (result.error as ScriptError).message,
        };
    return {
      ...failedOutcome(
        { kind: error.kind, message: shorten(`${where ? `${where}: ` : ''}${error.message}`) },
        measured,
      ),
      details,
      ...(screenshot ? { screenshot } : {}),
    };
  }
  const applicable = spec.assertions.filter((a) => BROWSER_SOURCES.has(a.source));
  const failed = evaluateAssertions(applicable, { ...measured, headers: {}, body: null }, now);
  return { ...answeredOutcome(measured, failed), details };
}

/** Replaces every secret value (as written, and JSON-escaped) in what a run reports. */
export function maskRunSecrets(result: BrowserRunResult, secrets: Readonly<Record<string, string>>) {
  const values = [...new Set(Object.values(secrets).flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))]
    .filter((v) => v.length > 0)
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return result;
  const mask = (text: string) => values.reduce((out, v) => out.split(v).join(SECRET_MASK), text);
  const proxyFailures = result.proxyFailures.map((f) => ({ ...f, message: mask(f.message) }));
  switch (result.end) {
    case 'done':
      return {
        ...result,
        proxyFailures,
        error: result.error
          ? { ...result.error, message: mask(result.error.message), step: mask(result.error.step) }
          : null,
      };
    case 'timeout':
      return { ...result, proxyFailures, step: result.step === null ? null : mask(result.step) };
    case 'crashed':
      return { ...result, proxyFailures, message: mask(result.message) };
  }
}

/**
 * A browser check: runs the monitor's script in the worker's browser pool (its own Chromium and
 * runner process, all traffic through the guarded proxy), bounded by the monitor's timeout.
 */
export async function browserCheck(spec: CheckSpecOf<'browser'>, ctx: CheckContext): Promise<CheckOutcome> {
  if (!ctx.browsers)
    return failedOutcome({ kind: 'internal', message: 'this worker runs no browser checks' });
  const result = await ctx.browsers.run({
    script: spec.script,
    url: spec.url,
    timeoutMs: spec.timeoutMs,
    allowPrivateTargets: ctx.allowPrivateTargets,
    secrets: definedSecrets(spec.secretVariables),
  });
  return browserOutcome(maskRunSecrets(result, definedSecrets(spec.secretVariables)), spec, ctx.now());
}
