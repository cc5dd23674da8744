import { announce, flapPolicyFor, type Notice } from './announcer';
import type { CheckKind } from './check-result';
import { slotCause } from './incident-cause';
import { requiredFailures } from './quorum';
import type { MonitorStatus } from './schemas/monitor';
import {
  advance,
  type ConfirmationRequest,
  type MachineConfig,
  type Transition,
  type Verdict,
} from './state-machine';
import { confirmationDeadlineMs, type ProbeProblem, type VerifierMemory } from './verifier-memory';

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
  /** Regions the slot was asked of (the monitor's, where the deployment runs them). */
  expectedRegions: number;
  /** Configured quorum; null for a majority. */
  quorum: number | null;
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
    ? slotCause(first.cause ?? 'check failed', failed.length, results.length, first.region)
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

/** A maintenance window, epoch ms, start inclusive and end exclusive. */
export interface MaintenanceSpan {
  startMs: number;
  endMs: number;
}

export interface VerifyConfig extends MachineConfig {
  timeoutMs: number;
  /** The monitor's interval; sets the flap policy (default 60). */
  intervalSeconds?: number;
  /** Regions each slot is expected from; a slot waits for all of them until its deadline. */
  expectedRegions?: readonly string[];
  /** Regions that must fail for a failed slot; null or absent for a majority. */
  quorum?: number | null;
  /** Maintenance windows of the monitor around the results being consumed. */
  maintenance?: readonly MaintenanceSpan[];
}

export interface VerifyStep {
  verdict: Verdict;
  transition: Transition | null;
  /** What to tell the channels about this verdict, if anything. */
  notice: Notice | null;
  /** The monitor's status to show after this verdict. */
  display: MonitorStatus;
  /** The probe problem going on after this verdict, if any. */
  probeProblem: ProbeProblem | null;
}

export interface ConsumeOutcome<R extends SlotResult> {
  memory: VerifierMemory;
  consumedThroughMs: number | null;
  /** Results consumed by this run, in slot order. */
  consumed: R[];
  steps: VerifyStep[];
  /** A confirmation re-check asked for by this run and still awaited: the caller enqueues it. */
  confirmation: ConfirmationRequest | null;
  /** Results held back behind an awaited confirmation or a slot still missing regions. */
  held: number;
}

function isAwaited(head: SlotResult, awaiting: ConfirmationRequest): boolean {
  return head.kind === 'confirmation' && head.scheduledAtMs === awaiting.scheduledAtMs;
}

function isComplete(group: readonly SlotResult[], expected: readonly string[]): boolean {
  return expected.every((region) => group.some((r) => r.region === region));
}

function nextProbeProblem(
  previous: ProbeProblem | null,
  verdict: Verdict,
  atMs: number,
): ProbeProblem | null {
  if (!verdict.ok || !verdict.probeCause || !verdict.failedRegions?.length) return null;
  const regions = [...verdict.failedRegions].sort();
  const same = previous && previous.regions.join(',') === regions.join(',');
  return { regions, cause: verdict.probeCause, sinceMs: same ? previous.sinceMs : atMs, lastMs: atMs };
}

/**
 * Feeds unconsumed results to the state machine in slot order. Results at or before
 * `consumedThroughMs` are ignored; a slot waits for all its expected regions, and results at or
 * after an awaited confirmation wait for it, each until overdue. Transitions are stamped with the
 * time the deciding results were checked.
 */
export function consumeResults<R extends SlotResult>(input: {
  memory: VerifierMemory;
  consumedThroughMs: number | null;
  results: readonly R[];
  config: VerifyConfig;
  nowMs: number;
}): ConsumeOutcome<R> {
  const { config, nowMs } = input;
  const expected = config.expectedRegions ?? [];
  const policy = flapPolicyFor(config.intervalSeconds ?? 60);
  const deadline = (scheduledAtMs: number) =>
    confirmationDeadlineMs({ scheduledAtMs, attempt: 0 }, config.timeoutMs);
  const start = input.consumedThroughMs;
  const fresh = input.results.filter((r) => start === null || r.scheduledAtMs > start).sort(compareResults);
  let memory = input.memory;
  let through = start;
  let requested: ConfirmationRequest | null = null;
  let incompleteSlotMs: number | null = null;
  const consumed: R[] = [];
  const steps: VerifyStep[] = [];

  for (const group of groupBySlot(fresh)) {
    const head = group[0] as R;
    if (!isComplete(group, expected) && nowMs <= deadline(head.scheduledAtMs)) {
      incompleteSlotMs = head.scheduledAtMs;
      break;
    }
    const awaiting = memory.awaiting;
    if (awaiting && isAwaited(head, awaiting)) {
      memory = { ...memory, awaiting: null };
    } else if (awaiting && head.scheduledAtMs >= awaiting.scheduledAtMs) {
      if (nowMs <= confirmationDeadlineMs(awaiting, config.timeoutMs)) break;
      memory = { ...memory, awaiting: null };
    }
    const {
      awaiting: stillAwaiting,
      announced,
      flips,
      downCause,
      wakeAtMs,
      probeProblem,
      ...machine
    } = memory;
    const verdict = slotVerdict(group, { expectedRegions: expected.length, quorum: config.quorum ?? null });
    const observedAtMs = Math.max(...group.map((r) => r.checkedAtMs));
    const decision = advance(machine, verdict, config, observedAtMs);
    const told = announce(
      { announced, flips, downCause },
      {
        machine: decision.state,
        transition: decision.transition,
        verdict,
        atMs: observedAtMs,
        inMaintenance: (config.maintenance ?? []).some(
          (w) => w.startMs <= head.scheduledAtMs && head.scheduledAtMs < w.endMs,
        ),
        policy,
      },
    );
    const probe = nextProbeProblem(probeProblem, verdict, observedAtMs);
    memory = {
      ...decision.state,
      ...told.state,
      awaiting: decision.confirmation ?? stillAwaiting,
      wakeAtMs,
      probeProblem: probe,
    };
    if (decision.confirmation) requested = decision.confirmation;
    steps.push({
      verdict,
      transition: decision.transition,
      notice: told.notice,
      display: told.display,
      probeProblem: probe,
    });
    consumed.push(...group);
    through = head.scheduledAtMs;
  }

  const held = fresh.length - consumed.length;
  if (memory.awaiting && held === 0 && nowMs > confirmationDeadlineMs(memory.awaiting, config.timeoutMs)) {
    memory = { ...memory, awaiting: null };
  }
  let wake: number | null = null;
  if (memory.awaiting) wake = confirmationDeadlineMs(memory.awaiting, config.timeoutMs);
  else if (incompleteSlotMs !== null) wake = deadline(incompleteSlotMs);
  memory = { ...memory, wakeAtMs: wake };
  // Asked for and then given up within this same run (a backlog long past): not worth enqueuing.
  const confirmation = requested && memory.awaiting === requested ? requested : null;
  return { memory, consumedThroughMs: through, consumed, steps, confirmation, held };
}
