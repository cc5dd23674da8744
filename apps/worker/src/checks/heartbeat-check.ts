import { performance } from 'node:perf_hooks';
import { type CheckOutcome, type CheckSpecOf, emptyPhases, evaluateHeartbeat } from '@sentinelmesh/core';
import type { CheckContext } from './context';
import { failedOutcome } from './outcome';

/**
 * A heartbeat check sends nothing: it reads the monitor's latest ping and judges it with the pure
 * rule in core (down when silent longer than periodSeconds + graceSeconds, or when the job reported
 * a failure), so missed heartbeats flow through results and the verifier like any other check.
 */
export async function heartbeatCheck(
  spec: CheckSpecOf<'heartbeat'>,
  ctx: CheckContext,
): Promise<CheckOutcome> {
  if (!ctx.heartbeats)
    return failedOutcome({ kind: 'internal', message: 'this worker cannot read heartbeats' });
  const started = performance.now();
  const found = await ctx.heartbeats.read(spec.orgId, spec.id);
  if (!found) return failedOutcome({ kind: 'internal', message: 'monitor not found' });
  const verdict = evaluateHeartbeat({
    periodSeconds: spec.periodSeconds,
    graceSeconds: spec.graceSeconds,
    lastPing: found.lastPing,
    watchingSince: found.watchingSince,
    now: found.now ?? ctx.now(),
  });
  return {
    ok: verdict.ok,
    statusCode: null,
    latencyMs: Math.round(performance.now() - started),
    phases: emptyPhases,
    certExpiresAt: null,
    error: verdict.error,
    failedAssertions: [],
  };
}
