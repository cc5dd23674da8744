import type { CheckKind } from './check-result';
import { slotCause } from './incident-cause';
import { requiredFailures } from './quorum';
import { missingRegionsNote } from './region-liveness';
import type { Verdict } from './state-machine';

/** One stored check result as the verifier reads it. */
export interface SlotResult {
  scheduledAtMs: number;
  checkedAtMs: number;
  kind: CheckKind;
  attempt: number;
  region: string;
  ok: boolean;
  /** Short cause of a failure (`failureCause`), null when ok. */
  cause: string | null;
}

/** Slot order: scheduled time, then kind (a confirmation before a slot of the same instant), then region. */
export function compareResults(a: SlotResult, b: SlotResult): number {
  if (a.scheduledAtMs !== b.scheduledAtMs) return a.scheduledAtMs - b.scheduledAtMs;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.region < b.region ? -1 : a.region > b.region ? 1 : 0;
}

/** Splits results sorted in slot order into one group per slot (scheduled time and kind). */
export function groupBySlot<R extends SlotResult>(sorted: readonly R[]): R[][] {
  const groups: R[][] = [];
  for (const result of sorted) {
    const last = groups.at(-1);
    const head = last?.[0];
    if (last && head && head.scheduledAtMs === result.scheduledAtMs && head.kind === result.kind) {
      last.push(result);
    } else {
      groups.push([result]);
    }
  }
  return groups;
}

export interface QuorumPolicy {
  /** Live regions the slot was asked of (the monitor's, where the deployment runs them, not degraded). */
  expectedRegions: number;
  /** Configured quorum; null for a majority. */
  quorum: number | null;
  /** Degraded regions the slot is decided without: a failure's cause names them. */
  missingRegions?: readonly string[];
}

/**
 * The verdict of one slot from its regions' results: failed when at least the quorum of regions
 * failed (default: a majority). Fewer failures are a probe problem, named in `failedRegions`.
 */
export function slotVerdict(
  results: readonly SlotResult[],
  policy: QuorumPolicy = { expectedRegions: results.length, quorum: null },
): Verdict {
  const head = results[0];
  if (!head) throw new Error('a slot verdict needs at least one result');
  const failed = results.filter((r) => !r.ok);
  const needed = requiredFailures({
    quorum: policy.quorum,
    expected: policy.expectedRegions,
    received: results.length,
  });
  const ok = failed.length < needed;
  const first = failed[0];
  const cause = first
    ? slotCause(first.cause ?? 'check failed', failed.length, results.length, first.region) +
      missingRegionsNote(policy.missingRegions ?? [])
    : null;
  return {
    scheduledAtMs: head.scheduledAtMs,
    kind: head.kind,
    attempt: Math.max(...results.map((r) => r.attempt)),
    ok,
    cause: ok ? null : cause,
    failedRegions: failed.map((r) => r.region),
    ...(ok && cause ? { probeCause: cause } : {}),
  };
}
