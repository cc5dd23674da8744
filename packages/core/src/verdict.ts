import { z } from 'zod';
import type { CheckKind } from './check-result';
import { slotCause } from './incident-cause';
import {
  advance,
  type ConfirmationRequest,
  initialMachineState,
  type MachineConfig,
  type MachineState,
  type Transition,
  type Verdict,
} from './state-machine';

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

/** The verdict of one slot from its regions' results: failed when a strict majority of them failed. */
export function slotVerdict(results: readonly SlotResult[]): Verdict {
  const head = results[0];
  if (!head) throw new Error('a slot verdict needs at least one result');
  const failed = results.filter((r) => !r.ok);
  const ok = failed.length * 2 <= results.length;
  return {
    scheduledAtMs: head.scheduledAtMs,
    kind: head.kind,
    attempt: Math.max(...results.map((r) => r.attempt)),
    ok,
    cause: ok ? null : slotCause(failed[0]?.cause ?? 'check failed', failed.length, results.length),
  };
}

/** The verifier's persisted memory: the machine state plus the confirmation it is waiting for. */
export interface VerifierMemory extends MachineState {
  awaiting: ConfirmationRequest | null;
}

export const initialVerifierMemory: VerifierMemory = { ...initialMachineState, awaiting: null };

const memorySchema = z.object({
  status: z.enum(['pending', 'up', 'down']),
  sinceMs: z.number().nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
  consecutiveSuccesses: z.number().int().nonnegative(),
  awaiting: z
    .object({ scheduledAtMs: z.number(), attempt: z.number().int().nonnegative() })
    .nullable()
    .default(null),
});

/** Reads stored memory; anything unreadable (a new monitor's `{}`) starts from the initial state. */
export function readVerifierMemory(raw: unknown): VerifierMemory {
  const parsed = memorySchema.safeParse(raw);
  return parsed.success ? parsed.data : { ...initialVerifierMemory };
}

/** How long past a confirmation's planned time (beyond the check's own timeout) its result is waited for. */
export const CONFIRMATION_GRACE_MS = 5_000;

/** The time after which an awaited confirmation is given up on. */
export function confirmationDeadlineMs(awaiting: ConfirmationRequest, timeoutMs: number): number {
  return awaiting.scheduledAtMs + timeoutMs + CONFIRMATION_GRACE_MS;
}

export interface VerifyConfig extends MachineConfig {
  timeoutMs: number;
}

export interface VerifyStep {
  verdict: Verdict;
  transition: Transition | null;
}

export interface ConsumeOutcome<R extends SlotResult> {
  memory: VerifierMemory;
  consumedThroughMs: number | null;
  /** Results consumed by this run, in slot order. */
  consumed: R[];
  steps: VerifyStep[];
  /** A confirmation re-check asked for by this run and still awaited: the caller enqueues it. */
  confirmation: ConfirmationRequest | null;
  /** Results held back behind an awaited confirmation. */
  held: number;
}

function isAwaited(head: SlotResult, awaiting: ConfirmationRequest): boolean {
  return head.kind === 'confirmation' && head.scheduledAtMs === awaiting.scheduledAtMs;
}

/**
 * Feeds unconsumed results to the state machine in slot order. Results at or before
 * `consumedThroughMs` are ignored; results at or after an awaited confirmation wait for it
 * until it is overdue. Transitions are stamped with the time the deciding results were checked.
 */
export function consumeResults<R extends SlotResult>(input: {
  memory: VerifierMemory;
  consumedThroughMs: number | null;
  results: readonly R[];
  config: VerifyConfig;
  nowMs: number;
}): ConsumeOutcome<R> {
  const { config, nowMs } = input;
  const start = input.consumedThroughMs;
  const fresh = input.results.filter((r) => start === null || r.scheduledAtMs > start).sort(compareResults);
  let memory = input.memory;
  let through = start;
  let requested: ConfirmationRequest | null = null;
  const consumed: R[] = [];
  const steps: VerifyStep[] = [];

  for (const group of groupBySlot(fresh)) {
    const head = group[0] as R;
    const awaiting = memory.awaiting;
    if (awaiting && isAwaited(head, awaiting)) {
      memory = { ...memory, awaiting: null };
    } else if (awaiting && head.scheduledAtMs >= awaiting.scheduledAtMs) {
      if (nowMs <= confirmationDeadlineMs(awaiting, config.timeoutMs)) break;
      memory = { ...memory, awaiting: null };
    }
    const { awaiting: stillAwaiting, ...machine } = memory;
    const verdict = slotVerdict(group);
    const observedAtMs = Math.max(...group.map((r) => r.checkedAtMs));
    const decision = advance(machine, verdict, config, observedAtMs);
    memory = { ...decision.state, awaiting: decision.confirmation ?? stillAwaiting };
    if (decision.confirmation) requested = decision.confirmation;
    steps.push({ verdict, transition: decision.transition });
    consumed.push(...group);
    through = head.scheduledAtMs;
  }

  const held = fresh.length - consumed.length;
  if (memory.awaiting && held === 0 && nowMs > confirmationDeadlineMs(memory.awaiting, config.timeoutMs)) {
    memory = { ...memory, awaiting: null };
  }
  // Asked for and then given up within this same run (a backlog long past): not worth enqueuing.
  const confirmation = requested && memory.awaiting === requested ? requested : null;
  return { memory, consumedThroughMs: through, consumed, steps, confirmation, held };
}
