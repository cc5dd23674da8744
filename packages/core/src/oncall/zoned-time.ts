/** A calendar day, independent of any time zone. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `timeZone` at an instant, as if it were UTC (milliseconds). */
function wallClockMs(timeZone: string, instantMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return (
    Date.UTC(year, month - 1, day, hour === 24 ? 0 : hour, minute, second) +
    (((instantMs % 1000) + 1000) % 1000)
  );
}

/** The zone's offset from UTC at an instant, in milliseconds (CEST: +7,200,000). */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  return wallClockMs(timeZone, instantMs) - instantMs;
}

/** Whether `name` is an IANA time zone this runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The calendar day in `timeZone` at an instant. */
export function localDateAt(timeZone: string, instantMs: number): LocalDate {
  const wall = new Date(wallClockMs(timeZone, instantMs));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/** `date` moved by whole calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Calendar days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/** 0 = Sunday .. 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/**
 * The instant when the wall clock of `timeZone` reads `msIntoDay` past midnight on `date`. A time the
 * clock skips (spring forward) is read with the offset before the change, so it lands just after the
 * gap (02:30 on a skipped hour is 03:30); a time the clock shows twice (fall back) is the first one.
 */
export function zonedInstant(timeZone: string, date: LocalDate, msIntoDay: number): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + msIntoDay;
  const before = zoneOffsetMs(timeZone, wall - DAY_MS);
  const after = zoneOffsetMs(timeZone, wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter((t) => zoneOffsetMs(timeZone, t) === wall - t);
  if (candidates.length === 0) return wall - before;
  return Math.min(...candidates);
}
