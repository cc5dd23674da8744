const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const statsWindows = ['1h', '24h', '7d', '30d', '90d'] as const;
export type StatsWindow = (typeof statsWindows)[number];

/** Each window's length and the width of its chart points; windows over a day read hourly rollups. */
export const windowSpecs: Record<StatsWindow, { ms: number; stepMs: number; rollups: boolean }> = {
  '1h': { ms: HOUR, stepMs: 5 * MINUTE, rollups: false },
  '24h': { ms: DAY, stepMs: HOUR, rollups: true },
  '7d': { ms: 7 * DAY, stepMs: 6 * HOUR, rollups: true },
  '30d': { ms: 30 * DAY, stepMs: DAY, rollups: true },
  '90d': { ms: 90 * DAY, stepMs: DAY, rollups: true },
};

export const HOUR_MS = HOUR;
export const DAY_MS = DAY;

/** Bins are aligned to the Unix epoch (UTC), matching Postgres `date_bin(step, t, 'epoch')`. */
export const binStart = (t: number, stepMs: number) => Math.floor(t / stepMs) * stepMs;
export const floorTo = (t: number, stepMs: number) => Math.floor(t / stepMs) * stepMs;
export const ceilTo = (t: number, stepMs: number) => Math.ceil(t / stepMs) * stepMs;
