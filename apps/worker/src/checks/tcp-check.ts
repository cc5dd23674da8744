import { connect, isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type CheckOutcome, type CheckSpec, emptyPhases, evaluateAssertions } from '@sentinelmesh/core';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome } from './outcome';

/** A TCP check succeeds when a connection opens in time; only response-time assertions apply to it. */
export function tcpCheck(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const { host, port } = spec;
  if (!host || !port) {
    return Promise.resolve(failedOutcome({ kind: 'internal', message: 'monitor has no host or port' }));
  }
  return new Promise((resolve) => {
    const started = performance.now();
    const phases = { ...emptyPhases, dnsMs: isIP(host) ? 0 : null };
    const socket = connect({ host, port });
    const finish = (error: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      const latencyMs = performance.now() - started;
      if (error) {
        resolve(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }), { latencyMs, phases }));
        return;
      }
      const applicable = spec.assertions.filter((a) => a.source === 'responseTimeMs');
      const observed = { statusCode: null, latencyMs, phases, certExpiresAt: null };
      const failed = evaluateAssertions(applicable, { ...observed, headers: {}, body: null }, ctx.now());
      resolve(answeredOutcome(observed, failed));
    };
    const timer = setTimeout(
      () => finish(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })),
      spec.timeoutMs,
    );
    socket.once('lookup', () => {
      phases.dnsMs = performance.now() - started;
    });
    socket.once('connect', () => {
      phases.connectMs = performance.now() - started - (phases.dnsMs ?? 0);
      finish(null);
    });
    socket.once('error', finish);
  });
}
