import { addDays, daysBetween, type LocalDate, localDateAt, weekdayOf, zonedInstant } from './zoned-time';

export type RotationCadence = 'daily' | 'weekly';

/** What decides a rotation's shifts (the columns of `oncall_rotations`). */
export interface RotationSpec {
  cadence: RotationCadence;
  /** `HH:MM` or `HH:MM:SS`, 24-hour, on the wall clock of `timeZone`. */
  handoffTime: string;
  /** 0 = Sunday .. 6 = Saturday; weekly rotations only. */
  handoffWeekday: number | null;
  /** IANA name, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** The first shift starts here and lasts until the first handoff after it. */
  startsAt: Date;
  /** Ordered user ids: shift k belongs to `memberIds[k % memberIds.length]`. */
  memberIds: readonly string[];
}

/** Someone on call instead of the rotation over `[startsAt, endsAt)`. */
export interface RotationOverride {
  id: string;
  userId: string;
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
}

/** Who is on call, over the stretch `[shiftStart, shiftEnd)` in which that answer holds. */
export interface OnCallShift {
  userId: string;
  shiftStart: Date;
  shiftEnd: Date;
  /** The override that put them on call; null for the rotation's own shift. */
  overrideId: string | null;
}

export const HANDOFF_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/;

/** A handoff time as it is stored and returned: `HH:MM` when its seconds are 00, else `HH:MM:SS`. */
export function canonicalHandoffTime(time: string): string {
  return time.length === 8 && time.endsWith(':00') ? time.slice(0, 5) : time;
}

function handoffSeconds(spec: RotationSpec): number {
  const [h = '0', m = '0', s = '0'] = spec.handoffTime.split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

function stepDays(spec: RotationSpec): number {
  return spec.cadence === 'weekly' ? 7 : 1;
}

/** The handoff day on or after `date` (weekly: the next handoff weekday). */
function handoffDayOnOrAfter(spec: RotationSpec, date: LocalDate): LocalDate {
  if (spec.cadence === 'daily') return date;
  return addDays(date, ((spec.handoffWeekday ?? 0) - weekdayOf(date) + 7) % 7);
}

function handoffDayOnOrBefore(spec: RotationSpec, date: LocalDate): LocalDate {
  if (spec.cadence === 'daily') return date;
  return addDays(date, -((weekdayOf(date) - (spec.handoffWeekday ?? 0) + 7) % 7));
}

/** The rotation's own shift (overrides aside) at `atMs`, which is at or after `startsAt`. */
function baseShift(spec: RotationSpec, atMs: number): { index: number; start: number; end: number } {
  const msIntoDay = handoffSeconds(spec) * 1000;
  const step = stepDays(spec);
  const handoff = (day: LocalDate) => zonedInstant(spec.timeZone, day, msIntoDay);
  const startMs = spec.startsAt.getTime();

  let first = handoffDayOnOrAfter(spec, localDateAt(spec.timeZone, startMs));
  if (handoff(first) <= startMs) first = addDays(first, step);
  let last = handoffDayOnOrBefore(spec, localDateAt(spec.timeZone, atMs));
  if (handoff(last) > atMs) last = addDays(last, -step);

  const passed = daysBetween(first, last) / step + 1;
  if (passed <= 0) return { index: 0, start: startMs, end: handoff(first) };
  return { index: passed, start: handoff(last), end: handoff(addDays(last, step)) };
}

/** An override's interval, cut to the rotation's life (nothing is on call before `startsAt`). */
function clipped(spec: RotationSpec, o: RotationOverride) {
  return { o, start: Math.max(o.startsAt.getTime(), spec.startsAt.getTime()), end: o.endsAt.getTime() };
}

function createdLater(a: RotationOverride, b: RotationOverride): boolean {
  const d = a.createdAt.getTime() - b.createdAt.getTime();
  return d > 0 || (d === 0 && a.id > b.id);
}

/**
 * Who is on call in a rotation at `at`: the latest-created override covering it, else the rotation's
 * shift. Null before the rotation starts, or when it has no members and no override covers `at`.
 */
export function onCallAt(
  spec: RotationSpec,
  overrides: readonly RotationOverride[],
  at: Date,
): OnCallShift | null {
  const atMs = at.getTime();
  if (Number.isNaN(atMs) || atMs < spec.startsAt.getTime()) return null;
  const live = overrides.map((o) => clipped(spec, o)).filter((c) => c.start < c.end);

  let winner: (typeof live)[number] | undefined;
  for (const c of live) {
    if (c.start <= atMs && atMs < c.end && (!winner || createdLater(c.o, winner.o))) winner = c;
  }

  // Only overrides that would win over the current answer can cut its stretch short on either side.
  let start: number;
  let end: number;
  let userId: string;
  let rivals: typeof live;
  if (winner) {
    const w = winner;
    ({ start, end } = w);
    userId = w.o.userId;
    rivals = live.filter((c) => createdLater(c.o, w.o));
  } else {
    if (spec.memberIds.length === 0) return null;
    const shift = baseShift(spec, atMs);
    ({ start, end } = shift);
    userId = spec.memberIds[shift.index % spec.memberIds.length] as string;
    rivals = live;
  }
  for (const c of rivals) {
    if (c.end <= atMs && c.end > start) start = c.end;
    if (c.start > atMs && c.start < end) end = c.start;
  }
  return {
    userId,
    shiftStart: new Date(start),
    shiftEnd: new Date(end),
    overrideId: winner ? winner.o.id : null,
  };
}

/**
 * The stretches of on-call in `[from, to)`, in order; the first may start before `from`. Gaps (no
 * member, no override) are left out. At most `limit` stretches.
 */
export function onCallSchedule(
  spec: RotationSpec,
  overrides: readonly RotationOverride[],
  from: Date,
  to: Date,
  limit = 1000,
): OnCallShift[] {
  const shifts: OnCallShift[] = [];
  const toMs = to.getTime();
  let t = Math.max(from.getTime(), spec.startsAt.getTime());
  while (t < toMs && shifts.length < limit) {
    const shift = onCallAt(spec, overrides, new Date(t));
    if (shift) {
      shifts.push(shift);
      t = shift.shiftEnd.getTime();
      continue;
    }
    // Nobody on call here: jump to the next override that starts later.
    const next = overrides
      .map((o) => Math.max(o.startsAt.getTime(), spec.startsAt.getTime()))
      .filter((s) => s > t)
      .sort((a, b) => a - b)[0];
    if (next === undefined) break;
    t = next;
  }
  return shifts;
}
