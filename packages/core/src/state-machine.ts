import type { CheckKind } from './check-result';

export type MachineStatus = 'pending' | 'up' | 'down';

/** The verifier's memory of one monitor, persisted between verdicts. */
export interface MachineState {
  status: MachineStatus;
  /** When the current status began (epoch ms), null while pending. */
  sinceMs: number | null;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
}

export const initialMachineState: MachineState = {
  status: 'pending',
  sinceMs: null,
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
};

export interface MachineConfig {
  failureThreshold: number;
  recoveryThreshold: number;
  retryIntervalSeconds: number;
}

/** The outcome of one slot (one check, or the agreement of several regions). */
export interface Verdict {
  /** Scheduled time of the check (a slot, or a confirmation's planned time), epoch ms. */
  scheduledAtMs: number;
  kind: CheckKind;
  attempt: number;
  ok: boolean;
  /** Why it failed, in words, e.g. `HTTP 500`; null when ok. */
  cause: string | null;
  /** Regions whose check failed (some may fail in a good verdict: a probe problem). */
  failedRegions?: string[];
  /** The failure seen by too few regions to count, e.g. `timeout in eu only`. */
  probeCause?: string;
}

export interface Transition {
  from: MachineStatus;
  to: 'up' | 'down';
  atMs: number;
  cause: string | null;
}

export interface ConfirmationRequest {
  /** Planned time of the re-check, epoch ms: the scheduled time its result is stored under. */
  scheduledAtMs: number;
  attempt: number;
}

export interface Decision {
  state: MachineState;
  transition: Transition | null;
  confirmation: ConfirmationRequest | null;
}

function confirmationAfter(verdict: Verdict, config: MachineConfig): ConfirmationRequest {
  return {
    scheduledAtMs: verdict.scheduledAtMs + config.retryIntervalSeconds * 1000,
    attempt: verdict.kind === 'confirmation' ? verdict.attempt + 1 : 1,
  };
}

/** Feeds one verdict to the state machine; `nowMs` stamps a transition. */
export function advance(
  state: MachineState,
  verdict: Verdict,
  config: MachineConfig,
  nowMs: number,
): Decision {
  if (verdict.ok) {
    const successes = state.consecutiveSuccesses + 1;
    const next: MachineState = { ...state, consecutiveFailures: 0, consecutiveSuccesses: successes };
    if (state.status === 'pending') {
      return {
        state: { ...next, status: 'up', sinceMs: nowMs },
        transition: { from: 'pending', to: 'up', atMs: nowMs, cause: null },
        confirmation: null,
      };
    }
    if (state.status === 'down') {
      if (successes >= config.recoveryThreshold) {
        return {
          state: { ...next, status: 'up', sinceMs: nowMs },
          transition: { from: 'down', to: 'up', atMs: nowMs, cause: null },
          confirmation: null,
        };
      }
      return { state: next, transition: null, confirmation: confirmationAfter(verdict, config) };
    }
    return { state: next, transition: null, confirmation: null };
  }

  const failures = state.consecutiveFailures + 1;
  const next: MachineState = { ...state, consecutiveFailures: failures, consecutiveSuccesses: 0 };
  if (state.status === 'down') return { state: next, transition: null, confirmation: null };
  if (failures >= config.failureThreshold) {
    return {
      state: { ...next, status: 'down', sinceMs: nowMs },
      transition: { from: state.status, to: 'down', atMs: nowMs, cause: verdict.cause },
      confirmation: null,
    };
  }
  return { state: next, transition: null, confirmation: confirmationAfter(verdict, config) };
}
