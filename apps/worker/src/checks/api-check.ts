import { performance } from 'node:perf_hooks';
import {
  type CheckDetail,
  type CheckError,
  type CheckOutcome,
  type CheckSpecOf,
  checkTypes,
  describeExtraction,
  evaluateAssertions,
  extractValue,
  renderTemplate,
} from '@sentinelmesh/core';
import type { CheckContext } from './context';
import { type HttpRequest, sendHttpRequest } from './http-request';
import { answeredOutcome, failedOutcome, type Measured, shorten } from './outcome';

type Step = CheckSpecOf<'api'>['steps'][number];
const API_SOURCES: ReadonlySet<string> = new Set(checkTypes.api.assertions.sources);
const LINE_BREAK = /[\r\n\0]/;

/** A step's request with the variables filled in, or why it cannot be sent. */
function render(
  step: Step,
  variables: ReadonlyMap<string, string>,
): { problem: string } | { request: Omit<HttpRequest, 'followRedirects' | 'timeoutMs'> } {
  // Values go into the URL percent-encoded, so a variable cannot add a path, a query or a host.
  const url = renderTemplate(step.url, variables, encodeURIComponent);
  const missing = [...url.missing];
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(step.headers)) {
    const value = renderTemplate(template, variables);
    missing.push(...value.missing);
    if (LINE_BREAK.test(value.text)) return { problem: `header ${name} would hold a line break` };
    headers[name] = value.text;
  }
  const body = step.body === null ? null : renderTemplate(step.body, variables);
  missing.push(...(body?.missing ?? []));
  if (missing.length > 0) return { problem: `no value for {{${missing[0]}}}` };
  return { request: { url: url.text, method: step.method, headers, body: body?.text ?? null } };
}

/**
 * A multi-step API check: each step's request (placeholders filled from the secret variables and
 * what earlier steps extracted), judged by its own assertions; the first failure ends the check and
 * names its step. The whole sequence shares the monitor's timeout; each step's time is a detail.
 */
export async function apiCheck(spec: CheckSpecOf<'api'>, ctx: CheckContext): Promise<CheckOutcome> {
  const started = performance.now();
  const variables = new Map<string, string>(
    Object.entries(spec.secretVariables).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const details: CheckDetail[] = [];
  let last: Measured | null = null;
  const total = (measured: Measured | null): Measured => ({
    statusCode: measured?.statusCode ?? null,
    latencyMs: performance.now() - started,
    phases: measured?.phases ?? { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, transferMs: null },
    certExpiresAt: measured?.certExpiresAt ?? null,
  });
  const fail = (label: string, error: CheckError, measured: Measured | null): CheckOutcome => ({
    ...failedOutcome({ kind: error.kind, message: shorten(`${label}: ${error.message}`) }, total(measured)),
    details,
  });

  for (const [index, step] of spec.steps.entries()) {
    const label = `step ${index + 1} (${step.name})`;
    const remaining = Math.floor(spec.timeoutMs - (performance.now() - started));
    if (remaining < 1) {
      return fail(label, { kind: 'timeout', message: `not started within ${spec.timeoutMs} ms` }, last);
    }
    const rendered = render(step, variables);
    if (!('request' in rendered)) return fail(label, { kind: 'assertion', message: rendered.problem }, last);
    const exchange = await sendHttpRequest(
      { ...rendered.request, followRedirects: step.followRedirects, timeoutMs: remaining },
      ctx,
    );
    const measured = 'error' in exchange ? exchange.measured : exchange.answer.measured;
    details.push({ label, value: Math.round(measured.latencyMs ?? 0), unit: 'ms' });
    if ('error' in exchange) {
      const error =
        exchange.error.kind === 'timeout'
          ? {
              kind: 'timeout' as const,
              message: `no complete response within ${spec.timeoutMs} ms (all steps)`,
            }
          : exchange.error;
      return fail(label, error, measured);
    }
    const { headers, body } = exchange.answer;
    const failed = evaluateAssertions(step.assertions, { ...measured, headers, body }, ctx.now());
    if (failed.length > 0) {
      const outcome = answeredOutcome(total(measured), failed);
      if (outcome.error) outcome.error.message = shorten(`${label}: ${outcome.error.message}`);
      return { ...outcome, details };
    }
    for (const extraction of step.extract) {
      const value = extractValue(extraction, { headers, body });
      if (value === null) {
        const message = `extract ${extraction.name}: ${describeExtraction(extraction)} found nothing`;
        return fail(label, { kind: 'assertion', message }, measured);
      }
      variables.set(extraction.name, value);
    }
    last = measured;
  }
  const measured = total(last);
  const failed = evaluateAssertions(
    spec.assertions.filter((a) => API_SOURCES.has(a.source)),
    { ...measured, headers: {}, body: null },
    ctx.now(),
  );
  return { ...answeredOutcome(measured, failed), details };
}
