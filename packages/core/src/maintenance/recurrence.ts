import * as rruleModule from 'rrule';
import type { MaintenanceSpan } from '../consume-results';
import type { FieldProblem } from '../errors';
import { isTimeZone, localDateAt, zonedInstant, zoneOffsetMs } from '../oncall/zoned-time';

// The package ships CommonJS under its `main`: Node sees the classes on `default`, bundlers by name.
const { RRule } = ((rruleModule as unknown as { default?: typeof rruleModule }).default ??
  rruleModule) as typeof rruleModule;
type RuleOptions = ReturnType<typeof RRule.parseString>;

/** How a window repeats: an RRULE read on the wall clock of `timeZone`, each occurrence lasting `durationMinutes`. */
export interface Recurrence {
  rrule: string;
  timeZone: string;
  durationMinutes: number;
}

/** A maintenance window: one span, or a series of occurrences inside [startsAtMs, endsAtMs). */
export interface MaintenanceRule {
  startsAtMs: number;
  endsAtMs: number;
  recurrence: Recurrence | null;
}

/** Where an open-ended series is stored to end, so that overlap filters on start and end stay true. */
export const OPEN_ENDED_MS = Date.UTC(9999, 11, 31);
/** The most occurrences one expansion returns; a longer range is cut short at that many. */
export const MAX_OCCURRENCES = 10_000;
export const MAX_OCCURRENCE_MINUTES = 31 * 1440;
/** A rule must occur within this many years of its start (leap days included), or it is refused. */
const FIRST_OCCURRENCE_YEARS = 8;
const DAY_MS = 86_400_000;

function parseRule(text: string): RuleOptions {
  const forbidden = /(?:^|[;\s:])(DTSTART|TZID|RDATE|EXDATE|EXRULE)\b/i.exec(text);
  if (forbidden) {
    throw new Error(
      `${forbidden[1]?.toUpperCase()} is not part of the rule here: the series starts at startsAt, in timeZone`,
    );
  }
  const body = text.trim().replace(/^RRULE:/i, '');
  if (/\s/.test(body)) throw new Error('one RRULE line without spaces is expected');
  const options = RRule.parseString(body);
  if (options.freq === undefined) throw new Error('FREQ is required');
  // Building the rule checks the values of BYDAY, BYMONTH and the rest.
  new RRule({ ...options, dtstart: new Date(0), count: 1 });
  return options;
}

/** What is wrong with a recurrence, as problems under `recurrence.*`; empty when it is fine. */
export function recurrenceProblems(recurrence: Recurrence, startsAtMs?: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isTimeZone(recurrence.timeZone)) {
    problems.push({ path: 'recurrence.timeZone', message: 'unknown IANA time zone (e.g. Europe/Berlin)' });
  }
  let options: RuleOptions;
  try {
    options = parseRule(recurrence.rrule);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [...problems, { path: 'recurrence.rrule', message: `not a valid RRULE: ${message}` }];
  }
  if (options.freq !== undefined && options.freq > RRule.HOURLY) {
    problems.push({ path: 'recurrence.rrule', message: 'FREQ must be HOURLY or longer' });
  } else if ((options.interval ?? 1) > 1000) {
    problems.push({ path: 'recurrence.rrule', message: 'INTERVAL is at most 1000' });
  } else if (problems.length === 0 && startsAtMs !== undefined) {
    const first = maintenanceOccurrences(
      { startsAtMs, endsAtMs: OPEN_ENDED_MS, recurrence },
      startsAtMs,
      startsAtMs + FIRST_OCCURRENCE_YEARS * 366 * DAY_MS,
      1,
    );
    if (first.length === 0) {
      problems.push({
        path: 'recurrence.rrule',
        message: `the rule never occurs within ${FIRST_OCCURRENCE_YEARS} years of startsAt`,
      });
    }
  }
  return problems;
}

/** Wall-clock milliseconds of `timeZone` read as UTC (the rule runs on these). */
function floating(timeZone: string, instantMs: number): number {
  const date = localDateAt(timeZone, instantMs);
  const midnight = zonedInstant(timeZone, date, 0);
  return Date.UTC(date.year, date.month - 1, date.day) + (instantMs - midnight);
}

/**
 * The instant of a wall-clock time; a skipped time lands after the gap, a repeated one is the first.
 * `dayOffsets` memoizes the zone's offset at UTC midnights: when it is the same a day before and two
 * days after, no change lies between and the answer is one subtraction (zone changes are months apart).
 */
function instantOf(timeZone: string, floatingMs: number, dayOffsets: Map<number, number>): number {
  const offsetOnDay = (day: number) => {
    let offset = dayOffsets.get(day);
    if (offset === undefined) {
      offset = zoneOffsetMs(timeZone, day * DAY_MS);
      dayOffsets.set(day, offset);
    }
    return offset;
  };
  const day = Math.floor(floatingMs / DAY_MS);
  const offset = offsetOnDay(day - 1);
  if (offset === offsetOnDay(day + 2)) return floatingMs - offset;
  const date = new Date(day * DAY_MS);
  const local = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  return zonedInstant(timeZone, local, floatingMs - day * DAY_MS);
}

/** Periods of a rule that keep its phase when DTSTART moves by whole ones (MONTHLY and YEARLY do not need it). */
const PERIOD_MS: Partial<Record<number, number>> = {
  [RRule.WEEKLY]: 7 * DAY_MS,
  [RRule.DAILY]: DAY_MS,
  [RRule.HOURLY]: 3_600_000,
};

/**
 * The maintenance spans of one window overlapping [fromMs, toMs), in order: the window itself when
 * it is one-off, else each occurrence of its rule (clipped to the series), at most `limit` of them.
 */
export function maintenanceOccurrences(
  window: MaintenanceRule,
  fromMs: number,
  toMs: number,
  limit = MAX_OCCURRENCES,
): MaintenanceSpan[] {
  const from = Math.max(fromMs, window.startsAtMs);
  const to = Math.min(toMs, window.endsAtMs);
  if (from >= to || limit <= 0) return [];
  const { recurrence } = window;
  if (!recurrence) return [{ startMs: window.startsAtMs, endMs: window.endsAtMs }];
  const { timeZone } = recurrence;
  const durationMs = recurrence.durationMinutes * 60_000;
  const options = parseRule(recurrence.rrule);
  const untilMs = options.until ? options.until.getTime() : Number.POSITIVE_INFINITY;
  // The series' first day at midnight is DTSTART: times of day the rule does not name are 00:00.
  const startDay = localDateAt(timeZone, window.startsAtMs);
  let dtstartMs = Date.UTC(startDay.year, startDay.month - 1, startDay.day);
  // Zone offsets stay within a day, so a day either side of the floating range finds every candidate.
  const after = new Date(floating(timeZone, from - durationMs) - DAY_MS);
  const before = new Date(floating(timeZone, to) + DAY_MS);
  // COUNT counts the occurrences from startsAt on, so it is applied here rather than by the rule.
  const { count, ...rest } = options;
  // Without COUNT, iteration may start near the range: DTSTART moved by whole periods keeps the phase.
  const periodMs = (PERIOD_MS[options.freq ?? RRule.YEARLY] ?? 0) * (options.interval ?? 1);
  if (count == null && periodMs > 0) {
    const skip = Math.floor((after.getTime() - dtstartMs) / periodMs) - 1;
    if (skip > 0) dtstartMs += skip * periodMs;
  }
  const rule = new RRule({ ...rest, dtstart: new Date(dtstartMs), until: before, tzid: null });
  const dayOffsets = new Map<number, number>();
  const spans: MaintenanceSpan[] = [];
  const seriesStart = floating(timeZone, window.startsAtMs);
  let seen = 0;
  rule.all((date) => {
    if (date.getTime() < seriesStart) return true;
    seen += 1;
    if (count != null && seen > count) return false;
    if (date < after) return true;
    const startMs = instantOf(timeZone, date.getTime(), dayOffsets);
    if (startMs > untilMs || startMs >= to) return false;
    if (startMs < window.startsAtMs) return true;
    const endMs = Math.min(startMs + durationMs, window.endsAtMs);
    if (endMs > from && !spans.some((s) => s.startMs === startMs)) spans.push({ startMs, endMs });
    return spans.length < limit;
  });
  return spans;
}
