import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  type CheckOutcome,
  type CheckPhases,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
  type FailedAssertion,
} from '@sentinelmesh/core';
import { assertLiteralAllowed, classifyAddress, guardedLookup } from '@sentinelmesh/platform';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome } from './outcome';

/** At most this much of the answer is kept for `expect` and body assertions. */
export const MAX_TCP_READ_BYTES = 64 * 1024;

const TCP_SOURCES: ReadonlySet<string> = new Set(checkTypes.tcp.assertions.sources);

function decode(text: string, encoding: CheckSpecOf<'tcp'>['payloadEncoding']): Buffer {
  return encoding === 'hex' ? Buffer.from(text.replace(/\s+/g, ''), 'hex') : Buffer.from(text, 'utf8');
}

/**
 * A TCP check: ok when a connection opens in time and, when the monitor sets `expect`, the answer
 * (after sending `send`, if any) contains those bytes. Response-time and body assertions apply;
 * the body is what the target sent (hex when the payload encoding is hex).
 */
export function tcpCheck(spec: CheckSpecOf<'tcp'>, ctx: CheckContext): Promise<CheckOutcome> {
  const { host, port } = spec;
  try {
    assertLiteralAllowed(host, ctx.allowPrivateTargets);
  } catch (error) {
    return Promise.resolve(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs })));
  }
  const expected = spec.expect ? decode(spec.expect, spec.payloadEncoding) : null;
  return new Promise((resolve) => {
    const started = performance.now();
    const phases: CheckPhases = { ...emptyPhases, dnsMs: classifyAddress(host) ? 0 : null };
    let received = Buffer.alloc(0);
    let connectedAt: number | null = null;
    let settled = false;
    const socket: Socket = connect({
      host,
      port,
      lookup: guardedLookup({ allowPrivate: ctx.allowPrivateTargets }),
    });
    const measured = () => ({
      statusCode: null,
      latencyMs: performance.now() - started,
      phases,
      certExpiresAt: null,
    });
    const body = () => received.toString(spec.payloadEncoding === 'hex' ? 'hex' : 'utf8');

    const finish = (error: unknown, missing?: FailedAssertion) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) {
        resolve(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }), measured()));
        return;
      }
      const applicable = spec.assertions.filter((a) => TCP_SOURCES.has(a.source));
      const observed = measured();
      const failed = evaluateAssertions(
        applicable,
        { ...observed, headers: {}, body: connectedAt !== null && expected ? body() : null },
        ctx.now(),
      );
      resolve(answeredOutcome(observed, missing ? [missing, ...failed] : failed));
    };
    const expectation = (): FailedAssertion => ({
      source: 'body',
      op: 'contains',
      expected: spec.expect ?? null,
      actual: body().slice(0, 200),
    });

    const timer = setTimeout(() => {
      if (connectedAt !== null && expected) finish(null, expectation());
      else finish(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' }));
    }, spec.timeoutMs);
    socket.once('lookup', () => {
      phases.dnsMs = performance.now() - started;
    });
    socket.once('connect', () => {
      connectedAt = performance.now();
      phases.connectMs = connectedAt - started - (phases.dnsMs ?? 0);
      if (spec.send) socket.write(decode(spec.send, spec.payloadEncoding));
      if (!expected) finish(null);
    });
    socket.on('data', (chunk: Buffer) => {
      if (phases.ttfbMs === null && connectedAt !== null) phases.ttfbMs = performance.now() - connectedAt;
      received = Buffer.concat([received, chunk]).subarray(0, MAX_TCP_READ_BYTES);
      if (expected && received.includes(expected)) finish(null);
      else if (received.length >= MAX_TCP_READ_BYTES) finish(null, expectation());
    });
    socket.once('end', () => finish(null, expected ? expectation() : undefined));
    socket.once('error', (error) => {
      // A reset after some answer is judged on that answer, like a close.
      if (connectedAt !== null && expected) finish(null, expectation());
      else finish(error);
    });
  });
}
