import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import {
  type CheckOutcome,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
  type FailedAssertion,
} from '@sentinelmesh/core';
import { resolveTarget } from '@sentinelmesh/platform';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome } from './outcome';

const UDP_SOURCES: ReadonlySet<string> = new Set(checkTypes.udp.assertions.sources);

/** Without awaiting a reply, a check waits this long for the ICMP "port unreachable" of a closed port. */
export const UDP_REFUSAL_WAIT_MS = 250;

const decode = (text: string, encoding: CheckSpecOf<'udp'>['payloadEncoding']) =>
  encoding === 'hex' ? Buffer.from(text.replace(/\s+/g, ''), 'hex') : Buffer.from(text, 'utf8');

/**
 * A UDP check: resolves the host once through the target guard, sends the payload from a socket
 * connected to that address, and (unless `awaitReply` is false) waits for one reply, which `expect`
 * and body assertions judge. A closed port answers with ICMP "port unreachable": `connect`.
 */
export async function udpCheck(spec: CheckSpecOf<'udp'>, ctx: CheckContext): Promise<CheckOutcome> {
  const started = performance.now();
  let target: { address: string; family: number };
  try {
    target = await resolveTarget(spec.host, { allowPrivate: ctx.allowPrivateTargets });
  } catch (error) {
    return failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }));
  }
  const phases = { ...emptyPhases, dnsMs: performance.now() - started };
  const payload = decode(spec.payload, spec.payloadEncoding);
  const expected = spec.expect ? decode(spec.expect, spec.payloadEncoding) : null;
  const socket = createSocket(target.family === 6 ? 'udp6' : 'udp4');
  let sentAt: number | null = null;

  const outcome = await new Promise<CheckOutcome>((resolve) => {
    let settled = false;
    const measured = () => ({
      statusCode: null,
      latencyMs: performance.now() - started,
      phases,
      certExpiresAt: null,
    });
    const finish = (result: CheckOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const fail = (error: unknown) =>
      finish(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }), measured()));
    const timer = setTimeout(
      () => {
        if (!spec.awaitReply && sentAt !== null) finish(answeredOutcome(measured(), []));
        else fail(Object.assign(new Error('no reply'), { code: 'ETIMEDOUT' }));
      },
      spec.awaitReply ? spec.timeoutMs : Math.min(spec.timeoutMs, UDP_REFUSAL_WAIT_MS),
    );
    socket.on('error', fail);
    socket.on('message', (reply: Buffer) => {
      const observed = measured();
      if (sentAt !== null) phases.ttfbMs = performance.now() - sentAt;
      const body = reply.toString(spec.payloadEncoding === 'hex' ? 'hex' : 'utf8');
      const failed = evaluateAssertions(
        spec.assertions.filter((a) => UDP_SOURCES.has(a.source)),
        { ...observed, headers: {}, body },
        ctx.now(),
      );
      const missing: FailedAssertion[] =
        expected && !reply.includes(expected)
          ? [{ source: 'body', op: 'contains', expected: spec.expect ?? null, actual: body.slice(0, 200) }]
          : [];
      finish({
        ...answeredOutcome({ ...observed, phases }, [...missing, ...failed]),
        details: [
          { label: 'Bytes sent', value: payload.length, unit: 'bytes' },
          { label: 'Bytes received', value: reply.length, unit: 'bytes' },
        ],
      });
    });
    socket.connect(spec.port, target.address, () => {
      socket.send(payload, (error) => {
        if (error) fail(error);
        else sentAt = performance.now();
      });
    });
  });
  try {
    socket.close();
  } catch {
    // Already closed by an error.
  }
  return outcome;
}
