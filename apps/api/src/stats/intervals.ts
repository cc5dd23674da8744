/** Half-open time intervals [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** Sorted, non-overlapping, clipped to [from, to); empty pieces dropped. */
export function normalize(intervals: Interval[], from: number, to: number): Interval[] {
  const clipped = intervals
    .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of clipped) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

export const measure = (intervals: Interval[]) => intervals.reduce((sum, i) => sum + (i.end - i.start), 0);

/** The parts of `a` that are also in `b` (both normalized). */
export function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end > start) out.push({ start, end });
    }
  }
  return out;
}

export interface Availability {
  /** Time inside a down incident and outside maintenance. */
  downMs: number;
  /** The window minus maintenance: what uptime is a share of. */
  consideredMs: number;
  /** null when maintenance covers the whole window. */
  uptimePercent: number | null;
}

/** Uptime over [from, to): the share of the time outside maintenance that is not inside a down incident. */
export function availability(
  down: Interval[],
  maintenance: Interval[],
  from: number,
  to: number,
): Availability {
  const incidents = normalize(down, from, to);
  const quiet = normalize(maintenance, from, to);
  const downMs = measure(incidents) - measure(intersect(incidents, quiet));
  const consideredMs = Math.max(0, to - from) - measure(quiet);
  const uptimePercent = consideredMs > 0 ? round(100 * (1 - downMs / consideredMs), 4) : null;
  return { downMs, consideredMs, uptimePercent };
}

export const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
