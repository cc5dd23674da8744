import type { Interval } from './intervals';
import { normalize } from './intervals';
import { HOUR_MS } from './windows';

/** The hours (UTC) holding at least one scheduled check of a monitor, and its very first check. */
export interface CheckHours {
  /** Start of each hour with a scheduled check, from the rollups or the raw results alike. */
  hours: number[];
  /** The monitor's first scheduled check, while raw results still hold it. */
  firstCheckAt: number | null;
  intervalMs: number;
}

/**
 * The time a monitor's checks cover, at the resolution of an hour: an hour with a check covers that
 * hour and one check interval beyond it (so a check every 6 hours covers the hours between), never past
 * `now`. The first hour starts at the first check, not at the top of the hour. Hours are what both
 * the rollups and the raw results hold, so the answer is the same whichever of them holds an hour.
 */
export function observedIntervals(input: CheckHours, now: number): Interval[] {
  const firstHour = input.firstCheckAt === null ? null : Math.floor(input.firstCheckAt / HOUR_MS) * HOUR_MS;
  const pieces = input.hours.map((hour) => ({
    start: hour === firstHour && input.firstCheckAt !== null ? input.firstCheckAt : hour,
    end: hour + HOUR_MS + input.intervalMs,
  }));
  return normalize(pieces, Number.NEGATIVE_INFINITY, now);
}
