import { type CheckOutcome, type CheckSpecOf, evaluateAssertions } from '@sentinelmesh/core';
import type { CheckContext } from './context';
import { sendHttpRequest } from './http-request';
import { answeredOutcome, failedOutcome } from './outcome';

/**
 * One HTTP check: the request with the monitor's method, headers and body, redirects followed hop
 * by hop when asked (at most 5), everything bounded by the monitor's timeout and the body by 1 MiB.
 * Phases are those of the final hop.
 */
export async function httpCheck(spec: CheckSpecOf<'http'>, ctx: CheckContext): Promise<CheckOutcome> {
  const exchange = await sendHttpRequest(spec, ctx);
  if ('error' in exchange) return failedOutcome(exchange.error, exchange.measured);
  const { measured, headers, body } = exchange.answer;
  const failed = evaluateAssertions(spec.assertions, { ...measured, headers, body }, ctx.now());
  return answeredOutcome(measured, failed);
}
