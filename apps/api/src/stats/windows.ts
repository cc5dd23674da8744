const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const statsWindows = ['1h', '3h', '6h', '24h', '7d', '30d', '90d'] as const;
export type StatsWindow = (typeof statsWindows)[number];

export interface WindowSpec {
  ms: number;
  stepMs: number;
  /** Read whole hours from the hourly rollups (steps of an hour or more). */
  rollups: boolean;
}

/** Each window's length and the width of its chart points; windows over a day read hourly rollups. */
export const windowSpecs: Record<StatsWindow, WindowSpec> = {
  '1h': { ms: HOUR, stepMs: 5 * MINUTE, rollups: false },
  '3h': { ms: 3 * HOUR, stepMs: 10 * MINUTE, rollups: false },
  '6h': { ms: 6 * HOUR, stepMs: 15 * MINUTE, rollups: false },
  '24h': { ms: DAY, stepMs: HOUR, rollups: true },
  '7d': { ms: 7 * DAY, stepMs: 6 * HOUR, rollups: true },
  '30d': { ms: 30 * DAY, stepMs: DAY, rollups: true },
  '90d': { ms: 90 * DAY, stepMs: DAY, rollups: true },
};

export const HOUR_MS = HOUR;
export const DAY_MS = DAY;
/** The longest range a custom `from`/`to` may ask for. */
export const MAX_RANGE_MS = 90 * DAY;
/** Ranges up to this long also answer each check as a point. */
export const RAW_POINTS_MAX_RANGE_MS = DAY;
/** More checks than this in a range answer no points: the series draws it. */
export const RAW_POINTS_LIMIT = 5_000;

/** The spec of a custom range: the steps of the shortest named window at least as long. */
export function specFor(rangeMs: number): WindowSpec {
  const named = statsWindows.map((w) => windowSpecs[w]).find((spec) => spec.ms >= rangeMs);
  return { ...(named ?? windowSpecs['90d']), ms: rangeMs };
}

/** Bins are aligned to the Unix epoch (UTC), matching Postgres `date_bin(step, t, 'epoch')`. */
export const binStart = (t: number, stepMs: number) => Math.floor(t / stepMs) * stepMs;
export const floorTo = (t: number, stepMs: number) => Math.floor(t / stepMs) * stepMs;
export const ceilTo = (t: number, stepMs: number) => Math.ceil(t / stepMs) * stepMs;
