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
  /**
   * How far back, in time, a late slot is still worth running whatever the interval: covers a
   * scheduler fail-over (lease time), so taking over a dead instance's shards leaves no gap.
   */
  catchUpMs?: number;
  /** At most this many past slots per monitor are run late; older ones are counted as missed. */
  maxCatchUpSlots?: number;
}

export interface SlotPlan {
  slots: number[];
  /** Past slots that are too old to run now and are only counted. */
  missed: number;
}

/**
 * The slots to enqueue for one monitor in (enqueuedThrough, until]. Slots that passed long ago
 * (before now - max(catchUpIntervals intervals, catchUpMs)), or beyond the newest
 * `maxCatchUpSlots` past ones, are not back-filled: a very late check says little.
 */
export function planSlots(input: SlotPlanInput): SlotPlan {
  const { monitorId, intervalSeconds, enqueuedThroughMs, nowMs, untilMs } = input;
  const window = Math.max(input.catchUpIntervals * intervalSeconds * 1000, input.catchUpMs ?? 0);
  const from = Math.max(enqueuedThroughMs + 1, nowMs - window);
  const tooOld = countSlots(monitorId, intervalSeconds, enqueuedThroughMs + 1, from);
  const slots = slotsBetween(monitorId, intervalSeconds, from, untilMs + 1);
  const past = slots.filter((slot) => slot < nowMs).length;
  const dropped = Math.max(0, past - (input.maxCatchUpSlots ?? Number.POSITIVE_INFINITY));
  return { slots: slots.slice(dropped), missed: tooOld + dropped };
}
