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

/** The parts of `a` outside `b` (both normalized). */
export function subtract(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    let start = x.start;
    for (const y of b) {
      if (y.end <= start || y.start >= x.end) continue;
      if (y.start > start) out.push({ start, end: y.start });
      start = Math.max(start, y.end);
    }
    if (start < x.end) out.push({ start, end: x.end });
  }
  return out;
}

/** What uptime is computed from: the facts of one monitor, as intervals. */
export interface UptimeFacts {
  /** Down incidents; an open one lasts until now. */
  down: Interval[];
  /** Maintenance windows: left out of both the time and the downtime. */
  maintenance: Interval[];
  /** Time the checks cover (see `observedIntervals`); time outside it and outside incidents is no data. */
  observed: Interval[];
}

export interface Availability {
  /** Time inside a down incident and outside maintenance. */
  downMs: number;
  /** Time with data (checked or inside an incident) outside maintenance: what uptime is a share of. */
  consideredMs: number;
  /** null without data: before the first check, in gaps, or when maintenance covers it all. */
  uptimePercent: number | null;
}

/** The time with data outside maintenance of one monitor, and the part of it inside a down incident. */
function consideredAndDown(facts: UptimeFacts, from: number, to: number) {
  const incidents = normalize(facts.down, from, to);
  const quiet = normalize(facts.maintenance, from, to);
  const known = normalize([...facts.observed, ...incidents], from, to);
  const considered = subtract(known, quiet);
  return { considered, down: intersect(incidents, considered) };
}

function share(considered: Interval[], down: Interval[]): Availability {
  const downMs = measure(down);
  const consideredMs = measure(considered);
  const uptimePercent = consideredMs > 0 ? round(100 * (1 - downMs / consideredMs), 4) : null;
  return { downMs, consideredMs, uptimePercent };
}

/**
 * Uptime over [from, to): the share of the time with data, outside maintenance, that is not inside a
 * down incident. The one definition every figure of the API is computed with.
 */
export function availability(facts: UptimeFacts, from: number, to: number): Availability {
  const { considered, down } = consideredAndDown(facts, from, to);
  return share(considered, down);
}

/**
 * Uptime of a group of monitors over [from, to), time-weighted: a moment is down when any monitor of
 * the group is down outside its own maintenance, and counts when at least one monitor has data outside
 * its maintenance. A group of one monitor has exactly that monitor's uptime.
 */
export function groupAvailability(monitors: UptimeFacts[], from: number, to: number): Availability {
  const pieces = monitors.map((facts) => consideredAndDown(facts, from, to));
  return share(
    normalize(
      pieces.flatMap((p) => p.considered),
      from,
      to,
    ),
    normalize(
      pieces.flatMap((p) => p.down),
      from,
      to,
    ),
  );
}

/** Where the data of [from, to) begins: null when there is none. */
export function dataStart(facts: UptimeFacts, from: number, to: number): number | null {
  const known = subtract(
    normalize([...facts.observed, ...facts.down], from, to),
    normalize(facts.maintenance, from, to),
  );
  return known[0]?.start ?? null;
}

export const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
