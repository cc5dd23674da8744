import { phaseMs, slotsBetween } from '@sentinelmesh/core';

/** Number of slot times t of a monitor with fromMs <= t < toMs, without listing them. */
export function countSlots(monitorId: string, intervalSeconds: number, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  const period = intervalSeconds * 1000;
  const phase = phaseMs(monitorId, intervalSeconds);
  const first = Math.ceil((fromMs - phase) / period) * period + phase;
  return first >= toMs ? 0 : Math.floor((toMs - 1 - first) / period) + 1;
}

export interface SlotPlanInput {
  monitorId: string;
  intervalSeconds: number;
  /** Slots up to and including this instant are already enqueued. */
  enqueuedThroughMs: number;
  nowMs: number;
  /** Enqueue slots up to and including this instant (now + lookahead). */
  untilMs: number;
  /** How many intervals back a late slot is still worth running. */
  catchUpIntervals: number;
}

export interface SlotPlan {
  slots: number[];
  /** Past slots that are too old to run now and are only counted. */
  missed: number;
}

/**
 * The slots to enqueue for one monitor in (enqueuedThrough, until]. Slots that passed long ago
 * (before now - catchUpIntervals intervals) are not back-filled: a late check says little.
 */
export function planSlots(input: SlotPlanInput): SlotPlan {
  const { monitorId, intervalSeconds, enqueuedThroughMs, nowMs, untilMs } = input;
  const oldestWorthRunning = nowMs - input.catchUpIntervals * intervalSeconds * 1000;
  const from = Math.max(enqueuedThroughMs + 1, oldestWorthRunning);
  const missed = countSlots(monitorId, intervalSeconds, enqueuedThroughMs + 1, from);
  return { slots: slotsBetween(monitorId, intervalSeconds, from, untilMs + 1), missed };
}
