import { describe, expect, it } from 'vitest';
import {
  MAX_OCCURRENCES,
  type MaintenanceRule,
  maintenanceOccurrences,
  OPEN_ENDED_MS,
  recurrenceProblems,
} from '../src/maintenance/recurrence';

const at = (iso: string) => Date.parse(iso);
const iso = (spans: { startMs: number; endMs: number }[]) =>
  spans.map((s) => [new Date(s.startMs).toISOString(), new Date(s.endMs).toISOString()]);

function weekly(rrule: string, timeZone: string, durationMinutes = 120, startsAt = '2026-01-01T00:00:00Z') {
  return {
    startsAtMs: at(startsAt),
    endsAtMs: OPEN_ENDED_MS,
    recurrence: { rrule, timeZone, durationMinutes },
  } satisfies MaintenanceRule;
}

const inMaintenance = (w: MaintenanceRule, t: string) =>
  maintenanceOccurrences(w, at(t), at(t) + 1).length > 0;

describe('maintenanceOccurrences', () => {
  it('keeps a Sunday 02:00 Berlin window on the wall clock across the spring change (the skipped hour lands after the gap)', () => {
    const w = weekly('FREQ=WEEKLY;BYDAY=SU;BYHOUR=2', 'Europe/Berlin');
    expect(iso(maintenanceOccurrences(w, at('2026-03-21T00:00:00Z'), at('2026-04-06T00:00:00Z')))).toEqual([
      ['2026-03-22T01:00:00.000Z', '2026-03-22T03:00:00.000Z'], // 02:00 CET
      ['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z'], // 02:00 does not exist: 03:00 CEST
      ['2026-04-05T00:00:00.000Z', '2026-04-05T02:00:00.000Z'], // 02:00 CEST
    ]);
  });

  it('takes the first of the two 02:00s on the autumn night, and CET after it', () => {
    const w = weekly('FREQ=WEEKLY;BYDAY=SU;BYHOUR=2', 'Europe/Berlin', 60);
    expect(iso(maintenanceOccurrences(w, at('2026-10-17T00:00:00Z'), at('2026-11-02T00:00:00Z')))).toEqual([
      ['2026-10-18T00:00:00.000Z', '2026-10-18T01:00:00.000Z'],
      ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z'],
      ['2026-11-01T01:00:00.000Z', '2026-11-01T02:00:00.000Z'],
    ]);
  });

  it('reads a UTC rule as is, with minutes, and includes an occurrence already running at the start of the range', () => {
    const w = weekly('FREQ=DAILY;BYHOUR=3;BYMINUTE=30', 'UTC', 30);
    expect(iso(maintenanceOccurrences(w, at('2026-05-01T03:45:00Z'), at('2026-05-02T12:00:00Z')))).toEqual([
      ['2026-05-01T03:30:00.000Z', '2026-05-01T04:00:00.000Z'],
      ['2026-05-02T03:30:00.000Z', '2026-05-02T04:00:00.000Z'],
    ]);
    expect(inMaintenance(w, '2026-05-01T03:30:00Z')).toBe(true);
    expect(inMaintenance(w, '2026-05-01T03:59:59Z')).toBe(true);
    expect(inMaintenance(w, '2026-05-01T04:00:00Z')).toBe(false);
  });

  it('starts the series at startsAt, honours COUNT, and clips the last occurrence to the series end', () => {
    const w = weekly('FREQ=DAILY;BYHOUR=22', 'UTC', 240, '2026-05-01T23:00:00Z');
    const spans = maintenanceOccurrences(w, at('2026-05-01T00:00:00Z'), at('2026-05-04T00:00:00Z'));
    expect(iso(spans)[0]).toEqual(['2026-05-02T22:00:00.000Z', '2026-05-03T02:00:00.000Z']);
    const counted = { ...w, recurrence: { ...w.recurrence, rrule: 'FREQ=DAILY;BYHOUR=22;COUNT=2' } };
    expect(
      maintenanceOccurrences(counted, at('2026-05-01T00:00:00Z'), at('2026-06-01T00:00:00Z')),
    ).toHaveLength(2);
    const ending = { ...w, endsAtMs: at('2026-05-03T23:00:00Z') };
    expect(
      iso(maintenanceOccurrences(ending, at('2026-05-01T00:00:00Z'), at('2026-06-01T00:00:00Z'))),
    ).toEqual([
      ['2026-05-02T22:00:00.000Z', '2026-05-03T02:00:00.000Z'],
      ['2026-05-03T22:00:00.000Z', '2026-05-03T23:00:00.000Z'],
    ]);
  });

  it('returns a one-off window as its single span when it overlaps the range, and nothing otherwise', () => {
    const w = {
      startsAtMs: at('2026-05-01T10:00:00Z'),
      endsAtMs: at('2026-05-01T11:00:00Z'),
      recurrence: null,
    };
    expect(iso(maintenanceOccurrences(w, at('2026-05-01T10:30:00Z'), at('2026-05-02T00:00:00Z')))).toEqual([
      ['2026-05-01T10:00:00.000Z', '2026-05-01T11:00:00.000Z'],
    ]);
    expect(maintenanceOccurrences(w, at('2026-05-01T11:00:00Z'), at('2026-05-02T00:00:00Z'))).toEqual([]);
  });

  it('keeps the phase of an every-other-week rule years after its start', () => {
    const w = weekly('FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;BYHOUR=4', 'UTC', 60, '2020-01-05T00:00:00Z');
    const spans = maintenanceOccurrences(w, at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'));
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) {
      expect((s.startMs - at('2020-01-05T04:00:00Z')) % (14 * 86_400_000)).toBe(0);
    }
  });

  it('stops an expansion at the limit', () => {
    const w = weekly('FREQ=HOURLY', 'UTC', 10);
    const year = maintenanceOccurrences(w, at('2026-01-01T00:00:00Z'), at('2028-01-01T00:00:00Z'));
    expect(year).toHaveLength(MAX_OCCURRENCES);
    expect(maintenanceOccurrences(w, at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'), 5)).toHaveLength(
      5,
    );
  });
});

describe('recurrenceProblems', () => {
  const start = at('2026-01-01T00:00:00Z');
  const problems = (rrule: string, timeZone = 'UTC', durationMinutes = 60) =>
    recurrenceProblems({ rrule, timeZone, durationMinutes }, start).map((p) => `${p.path}: ${p.message}`);

  it.each([
    ['FREQ=WEEKLY;BYDAY=SU;BYHOUR=2'],
    ['RRULE:FREQ=MONTHLY;BYDAY=1SA;BYHOUR=23;BYMINUTE=30'],
    ['FREQ=HOURLY;INTERVAL=6'],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29'],
  ])('accepts %s', (rrule) => {
    expect(problems(rrule, 'Europe/Berlin')).toEqual([]);
  });

  it.each([
    ['FREQ=MINUTELY', 'FREQ must be HOURLY or longer'],
    ['FREQ=SECONDLY', 'FREQ must be HOURLY or longer'],
    ['BYDAY=SU', 'FREQ is required'],
    ['FREQ=WEEKLY;BYDAY=XX', 'not a valid RRULE'],
    ['FREQ=WEEKLY;BOGUS=1', 'not a valid RRULE'],
    ['DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY', 'DTSTART is not part of the rule'],
    ['FREQ=DAILY;TZID=Europe/Berlin', 'TZID is not part of the rule'],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'never occurs'],
    ['FREQ=DAILY;INTERVAL=5000', 'INTERVAL is at most 1000'],
  ])('refuses %s', (rrule, message) => {
    const found = problems(rrule);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('recurrence.rrule: ');
    expect(found[0]).toContain(message);
  });

  it('names an unknown time zone', () => {
    expect(problems('FREQ=DAILY', 'Mars/Olympus')).toEqual([
      'recurrence.timeZone: unknown IANA time zone (e.g. Europe/Berlin)',
    ]);
  });
});
