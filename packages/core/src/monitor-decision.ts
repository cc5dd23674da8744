import { type ConsumeOutcome, consumeResults, type MaintenanceSpan } from './consume-results';
import { isActive } from './monitor-lifecycle';
import { readQuorum } from './quorum';
import type { MonitorStatus, StoredMonitorConfig } from './schemas/monitor';
import type { SlotResult } from './verdict';
import type { VerifierMemory } from './verifier-memory';

/** A monitor's verification state as stored (epoch ms). */
export interface StoredMonitorState {
  status: MonitorStatus;
  sinceMs: number | null;
  memory: VerifierMemory;
  consumedThroughMs: number | null;
}

export interface MonitorDecisionInput<R extends SlotResult> {
  monitorId: string;
  state: StoredMonitorState;
  config: StoredMonitorConfig;
  /** Results read after `consumedThroughMs`, in slot order. */
  results: readonly R[];
  /** The read hit its limit: more results may wait, and the last slot read may be cut. */
  truncated: boolean;
  maintenance: readonly MaintenanceSpan[];
  /** Regions this deployment runs. */
  deploymentRegions: readonly string[];
  /** How late past its timeout a result may arrive and still be judged in slot order. */
  latenessMs: number;
  nowMs: number;
  /** Results counted late by this verification (behind the judged slots). */
  late?: readonly { region: string; scheduledAtMs: number }[];
}

export interface MonitorDecision<R extends SlotResult> {
  /** What the state machine made of the results; null when the monitor is not active. */
  outcome: ConsumeOutcome<R> | null;
  /** The state to store, with the last result consumed; null when nothing changed. */
  next: (StoredMonitorState & { last: R | null }) | null;
  /** A full read was consumed to its end: more results may wait. */
  more: boolean;
}

/** Regions a slot is expected from: the monitor's that this deployment runs (all of its own if none). */
export function expectedRegions(config: StoredMonitorConfig, deployment: readonly string[]): string[] {
  const served = config.regions.filter((region) => deployment.includes(region));
  return served.length > 0 ? served : [...config.regions];
}

/** A full read may end inside a slot (several regions): that slot is left whole for the next read. */
export function wholeSlots<R extends SlotResult>(results: readonly R[], truncated: boolean): R[] {
  const last = results.at(-1);
  if (!truncated || !last) return [...results];
  const whole = results.filter((r) => r.scheduledAtMs !== last.scheduledAtMs);
  return whole.length > 0 ? whole : [...results];
}

const sameMemory = (a: VerifierMemory, b: VerifierMemory) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The status to show after a run and since when: up, down and pending keep the machine's own
 * `since`; a shown status of its own (flapping, maintenance) dates from when it began.
 */
export function shownStatus(input: {
  before: { status: MonitorStatus; sinceMs: number | null };
  display: MonitorStatus | undefined;
  machineSinceMs: number | null;
  lastCheckedAtMs: number | null;
  nowMs: number;
}): { status: MonitorStatus; sinceMs: number | null } {
  const status = input.display ?? input.before.status;
  if (status === 'up' || status === 'down' || status === 'pending') {
    return { status, sinceMs: input.machineSinceMs };
  }
  if (status === input.before.status) return { status, sinceMs: input.before.sinceMs };
  return { status, sinceMs: input.lastCheckedAtMs ?? input.nowMs };
}

/**
 * Decides one monitor's verification: a monitor that is not active consumes its results without
 * judging them and waits for nothing; an active one feeds whole slots to the state machine.
 */
export function decideMonitor<R extends SlotResult>(input: MonitorDecisionInput<R>): MonitorDecision<R> {
  const { state, config, nowMs } = input;
  const memory = state.memory;
  if (!isActive({ paused: config.paused, status: state.status })) {
    // Results of a paused monitor never count: mark them consumed and wait for nothing.
    const last = input.results.at(-1) ?? null;
    if (!last && !memory.awaiting && memory.wakeAtMs === null)
      return { outcome: null, next: null, more: false };
    return {
      outcome: null,
      more: false,
      next: {
        status: state.status,
        sinceMs: state.sinceMs,
        // Slots passed while paused are not waited for once it resumes.
        memory: { ...memory, awaiting: null, wakeAtMs: null, lastSlotMs: null },
        consumedThroughMs: last ? last.scheduledAtMs : state.consumedThroughMs,
        last: null,
      },
    };
  }

  const batch = wholeSlots(input.results, input.truncated);
  const outcome = consumeResults({
    memory,
    consumedThroughMs: state.consumedThroughMs,
    results: batch,
    config: {
      failureThreshold: config.failureThreshold,
      recoveryThreshold: config.recoveryThreshold,
      retryIntervalSeconds: config.retryIntervalSeconds,
      timeoutMs: config.timeoutMs,
      latenessMs: input.latenessMs,
      intervalSeconds: config.intervalSeconds,
      monitorId: input.monitorId,
      expectedRegions: expectedRegions(config, input.deploymentRegions),
      quorum: readQuorum(config),
      maintenance: input.maintenance,
    },
    nowMs,
    late: input.late ?? [],
  });
  const more = input.truncated && outcome.consumed.length === batch.length;
  const last = outcome.consumed.at(-1) ?? null;
  if (!last && sameMemory(memory, outcome.memory)) return { outcome, next: null, more };
  const shown = shownStatus({
    before: state,
    display: outcome.steps.at(-1)?.display,
    machineSinceMs: outcome.memory.sinceMs,
    lastCheckedAtMs: last ? last.checkedAtMs : null,
    nowMs,
  });
  return {
    outcome,
    more,
    next: {
      ...shown,
      memory: outcome.memory,
      consumedThroughMs: outcome.consumedThroughMs,
      last,
    },
  };
}
