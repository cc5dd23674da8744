import { describe, expect, it } from 'vitest';
import {
  canonicalHandoffTime,
  onCallAt,
  onCallSchedule,
  type RotationOverride,
  type RotationSpec,
} from '../src/oncall/rotation';
import { rotationFields } from '../src/oncall/schemas';
import { isTimeZone, zonedInstant } from '../src/oncall/zoned-time';

const A = 'user-a';
const B = 'user-b';
const C = 'user-c';
const X = 'user-x';
const Y = 'user-y';
const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();

function rotation(overrides: Partial<RotationSpec> = {}): RotationSpec {
  return {
    cadence: 'daily',
    handoffTime: '09:00',
    handoffWeekday: null,
    timeZone: 'Europe/Berlin',
    startsAt: at('2026-03-25T08:00:00Z'), // 09:00 CET
    memberIds: [A, B, C],
    ...overrides,
  };
}

function override(id: string, userId: string, from: string, to: string, created: string): RotationOverride {
  return { id, userId, startsAt: at(from), endsAt: at(to), createdAt: at(created) };
}

function wallClock(timeZone: string, d: Date): { weekday: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: get('weekday'),
    time: canonicalHandoffTime(`${get('hour')}:${get('minute')}:${get('second')}`),
  };
}

describe('zoned time', () => {
  it('reads a wall-clock time the clock skips as the time just after the gap', () => {
    // Europe/Berlin springs from 02:00 CET to 03:00 CEST on 29 March 2026: 02:30 does not exist.
    expect(zonedInstant('Europe/Berlin', { year: 2026, month: 3, day: 29 }, 150 * 60_000)).toBe(
      Date.parse('2026-03-29T01:30:00Z'),
    );
  });

  it('reads a wall-clock time the clock shows twice as the first of the two', () => {
    // Europe/Berlin falls back from 03:00 CEST to 02:00 CET on 25 October 2026: 02:30 happens twice.
    expect(zonedInstant('Europe/Berlin', { year: 2026, month: 10, day: 25 }, 150 * 60_000)).toBe(
      Date.parse('2026-10-25T00:30:00Z'),
    );
  });

  it('knows IANA zones and refuses anything else', () => {
    for (const zone of ['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC', 'Asia/Kolkata']) {
      expect(isTimeZone(zone)).toBe(true);
    }
    for (const zone of ['Mars/Olympus', '', '+01:00', 'Europe/Berlin ', '../etc'])
      expect(isTimeZone(zone)).toBe(false);
  });
});

describe('the handoff time of a rotation', () => {
  it('takes HH:MM or HH:MM:SS and keeps seconds of 00 as HH:MM, so a file applied as 09:00:00 reads back the same', () => {
    const table: [string, string][] = [
      ['09:00', '09:00'],
      ['09:00:00', '09:00'],
      ['09:00:30', '09:00:30'],
      ['00:00:00', '00:00'],
      ['23:59:59', '23:59:59'],
      ['17:45:00', '17:45'],
    ];
    for (const [input, stored] of table)
      expect([input, rotationFields.handoffTime.parse(input)]).toEqual([input, stored]);
  });

  it('refuses a time that is not HH:MM or HH:MM:SS on a 24-hour clock, naming both forms', () => {
    for (const input of [
      '09:00:60',
      '9:00',
      '24:00',
      '09:60',
      '09:00:5',
      '09:00:00.5',
      '09:00 ',
      'T09:00',
      '',
    ]) {
      const result = rotationFields.handoffTime.safeParse(input);
      expect({ input, success: result.success }).toEqual({ input, success: false });
      expect(result.error?.issues[0]?.message).toBe('must be HH:MM or HH:MM:SS, 24-hour (e.g. 09:00)');
    }
  });
});

describe('onCallAt', () => {
  it('hands a daily rotation off at its handoff time, cycling through the members in order', () => {
    const r = rotation();
    const table: [string, string, string, string][] = [
      ['2026-03-25T08:00:00Z', A, '2026-03-25T08:00:00.000Z', '2026-03-26T08:00:00.000Z'],
      ['2026-03-26T07:59:59.999Z', A, '2026-03-25T08:00:00.000Z', '2026-03-26T08:00:00.000Z'],
      ['2026-03-26T08:00:00Z', B, '2026-03-26T08:00:00.000Z', '2026-03-27T08:00:00.000Z'],
      ['2026-03-27T12:00:00Z', C, '2026-03-27T08:00:00.000Z', '2026-03-28T08:00:00.000Z'],
      ['2026-03-28T08:00:00Z', A, '2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z'],
    ];
    for (const [when, userId, start, end] of table) {
      const shift = onCallAt(r, [], at(when));
      expect({
        when,
        userId: shift?.userId,
        start: iso(shift?.shiftStart),
        end: iso(shift?.shiftEnd),
      }).toEqual({
        when,
        userId,
        start,
        end,
      });
    }
  });

  it('keeps the handoff at 09:00 Berlin time across the spring change (a 23-hour shift)', () => {
    const r = rotation();
    // 28 March 09:00 CET = 08:00Z; 29 March 09:00 CEST = 07:00Z.
    expect(onCallAt(r, [], at('2026-03-29T06:59:59Z'))?.userId).toBe(A);
    const after = onCallAt(r, [], at('2026-03-29T07:00:00Z'));
    expect(after?.userId).toBe(B);
    expect(iso(after?.shiftEnd)).toBe('2026-03-30T07:00:00.000Z');
  });

  it('keeps a weekly Monday handoff at 09:00 Berlin time across the autumn change (a 169-hour shift)', () => {
    const r = rotation({
      cadence: 'weekly',
      handoffWeekday: 1,
      startsAt: at('2026-10-19T07:00:00Z'), // Monday 09:00 CEST
      memberIds: [A, B],
    });
    const first = onCallAt(r, [], at('2026-10-25T12:00:00Z'));
    expect(first).toMatchObject({ userId: A });
    expect(iso(first?.shiftEnd)).toBe('2026-10-26T08:00:00.000Z'); // Monday 09:00 CET
    expect((first?.shiftEnd.getTime() ?? 0) - (first?.shiftStart.getTime() ?? 0)).toBe(169 * 3_600_000);
    expect(onCallAt(r, [], at('2026-10-26T08:00:00Z'))?.userId).toBe(B);
    expect(onCallAt(r, [], at('2026-11-02T08:00:00Z'))?.userId).toBe(A);
  });

  it('hands off a weekly rotation with a skipped or repeated handoff time just after the gap and at the first of the two', () => {
    const r = rotation({
      cadence: 'weekly',
      handoffTime: '02:30',
      handoffWeekday: 0,
      startsAt: at('2026-03-22T01:30:00Z'), // Sunday 02:30 CET
      memberIds: [A, B],
    });
    const spring = onCallAt(r, [], at('2026-03-29T01:30:00Z')); // the skipped 02:30 read as 03:30 CEST
    expect(spring).toMatchObject({ userId: B });
    expect(iso(spring?.shiftStart)).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(spring?.shiftEnd)).toBe('2026-04-05T00:30:00.000Z');
    expect(onCallAt(r, [], at('2026-10-25T00:30:00Z'))?.shiftStart.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('hands off at a handoff time with seconds to the second, across the spring change too', () => {
    const r = rotation({ handoffTime: '09:00:30', startsAt: at('2026-03-25T08:00:30Z') });
    // 27 March 09:00:30 CET = 08:00:30Z; after the change on 29 March, 09:00:30 CEST = 07:00:30Z.
    expect(onCallAt(r, [], at('2026-03-27T08:00:29.999Z'))?.userId).toBe(B);
    const third = onCallAt(r, [], at('2026-03-27T08:00:30Z'));
    expect(third).toMatchObject({ userId: C });
    expect(iso(third?.shiftStart)).toBe('2026-03-27T08:00:30.000Z');
    expect(onCallAt(r, [], at('2026-03-29T07:00:29.999Z'))?.userId).toBe(A);
    const spring = onCallAt(r, [], at('2026-03-29T07:00:30Z'));
    expect(spring).toMatchObject({ userId: B });
    expect(iso(spring?.shiftStart)).toBe('2026-03-29T07:00:30.000Z');
    expect(iso(spring?.shiftEnd)).toBe('2026-03-30T07:00:30.000Z');
  });

  it('reads a skipped handoff time with seconds just after the gap', () => {
    const r = rotation({ handoffTime: '02:30:45', startsAt: at('2026-03-27T12:00:00Z'), memberIds: [A, B] });
    // 28 March 02:30:45 CET = 01:30:45Z; 29 March 02:30:45 is skipped and read as 03:30:45 CEST.
    const shift = onCallAt(r, [], at('2026-03-29T01:30:45Z'));
    expect(shift).toMatchObject({ userId: A });
    expect(iso(shift?.shiftStart)).toBe('2026-03-29T01:30:45.000Z');
    expect(onCallAt(r, [], at('2026-03-29T01:30:44.999Z'))?.userId).toBe(B);
  });

  it('gives a first shift that starts between handoffs only until the first handoff', () => {
    const r = rotation({ startsAt: at('2026-03-25T15:00:00Z') });
    const first = onCallAt(r, [], at('2026-03-25T20:00:00Z'));
    expect(first).toMatchObject({ userId: A, overrideId: null });
    expect(iso(first?.shiftStart)).toBe('2026-03-25T15:00:00.000Z');
    expect(iso(first?.shiftEnd)).toBe('2026-03-26T08:00:00.000Z');
    expect(onCallAt(r, [], at('2026-03-26T08:00:00Z'))?.userId).toBe(B);
  });

  it('puts nobody on call before the rotation starts', () => {
    const r = rotation();
    expect(onCallAt(r, [], at('2026-03-25T07:59:59.999Z'))).toBeNull();
    const early = override('o1', X, '2026-03-24T00:00:00Z', '2026-03-25T10:00:00Z', '2026-03-01T00:00:00Z');
    expect(onCallAt(r, [early], at('2026-03-25T07:00:00Z'))).toBeNull();
    expect(iso(onCallAt(r, [early], at('2026-03-25T08:00:00Z'))?.shiftStart)).toBe(
      '2026-03-25T08:00:00.000Z',
    );
  });

  it('keeps the one member of a one-member rotation on call, shift after shift', () => {
    const r = rotation({ memberIds: [A] });
    for (const when of ['2026-03-25T08:00:00Z', '2026-03-29T07:00:00Z', '2026-12-31T23:59:00Z']) {
      expect(onCallAt(r, [], at(when))?.userId).toBe(A);
    }
    expect(iso(onCallAt(r, [], at('2026-03-29T07:00:00Z'))?.shiftEnd)).toBe('2026-03-30T07:00:00.000Z');
  });

  it('puts nobody on call in a rotation without members unless an override covers the time', () => {
    const r = rotation({ memberIds: [] });
    expect(onCallAt(r, [], at('2026-03-26T12:00:00Z'))).toBeNull();
    const o = override('o1', X, '2026-03-26T10:00:00Z', '2026-03-26T14:00:00Z', '2026-03-01T00:00:00Z');
    expect(onCallAt(r, [o], at('2026-03-26T12:00:00Z'))?.userId).toBe(X);
  });

  it('lets an override take part of a shift, cutting the shift before and after it', () => {
    const r = rotation();
    const o = override('o1', X, '2026-03-26T10:00:00Z', '2026-03-26T14:00:00Z', '2026-03-01T00:00:00Z');
    const before = onCallAt(r, [o], at('2026-03-26T09:00:00Z'));
    expect({ user: before?.userId, end: iso(before?.shiftEnd) }).toEqual({
      user: B,
      end: '2026-03-26T10:00:00.000Z',
    });
    const during = onCallAt(r, [o], at('2026-03-26T10:00:00Z'));
    expect(during).toMatchObject({ userId: X, overrideId: 'o1' });
    expect([iso(during?.shiftStart), iso(during?.shiftEnd)]).toEqual([
      '2026-03-26T10:00:00.000Z',
      '2026-03-26T14:00:00.000Z',
    ]);
    const after = onCallAt(r, [o], at('2026-03-26T14:00:00Z'));
    expect({ user: after?.userId, start: iso(after?.shiftStart), end: iso(after?.shiftEnd) }).toEqual({
      user: B,
      start: '2026-03-26T14:00:00.000Z',
      end: '2026-03-27T08:00:00.000Z',
    });
  });

  it('lets the latest-created override win where two overlap, whatever their order in the list', () => {
    const r = rotation();
    const older = override('o1', X, '2026-03-26T10:00:00Z', '2026-03-26T20:00:00Z', '2026-03-01T00:00:00Z');
    const newer = override('o2', Y, '2026-03-26T12:00:00Z', '2026-03-26T14:00:00Z', '2026-03-02T00:00:00Z');
    for (const list of [
      [older, newer],
      [newer, older],
    ]) {
      const first = onCallAt(r, list, at('2026-03-26T11:00:00Z'));
      expect({ user: first?.userId, end: iso(first?.shiftEnd) }).toEqual({
        user: X,
        end: '2026-03-26T12:00:00.000Z',
      });
      expect(onCallAt(r, list, at('2026-03-26T13:00:00Z'))).toMatchObject({ userId: Y, overrideId: 'o2' });
      const back = onCallAt(r, list, at('2026-03-26T15:00:00Z'));
      expect({ user: back?.userId, start: iso(back?.shiftStart), end: iso(back?.shiftEnd) }).toEqual({
        user: X,
        start: '2026-03-26T14:00:00.000Z',
        end: '2026-03-26T20:00:00.000Z',
      });
    }
    // An older override inside a newer one changes nothing.
    const hidden = override('o3', C, '2026-03-26T12:30:00Z', '2026-03-26T13:00:00Z', '2026-02-01T00:00:00Z');
    expect(onCallAt(r, [older, newer, hidden], at('2026-03-26T12:45:00Z'))).toMatchObject({ userId: Y });
  });
});

describe('onCallSchedule', () => {
  it('lists the stretches of a range, overrides included, each ending where the next starts', () => {
    const r = rotation();
    const o = override('o1', X, '2026-03-26T10:00:00Z', '2026-03-26T14:00:00Z', '2026-03-01T00:00:00Z');
    const shifts = onCallSchedule(r, [o], at('2026-03-26T00:00:00Z'), at('2026-03-28T00:00:00Z'));
    expect(shifts.map((s) => [s.userId, iso(s.shiftStart), iso(s.shiftEnd)])).toEqual([
      [A, '2026-03-25T08:00:00.000Z', '2026-03-26T08:00:00.000Z'],
      [B, '2026-03-26T08:00:00.000Z', '2026-03-26T10:00:00.000Z'],
      [X, '2026-03-26T10:00:00.000Z', '2026-03-26T14:00:00.000Z'],
      [B, '2026-03-26T14:00:00.000Z', '2026-03-27T08:00:00.000Z'],
      [C, '2026-03-27T08:00:00.000Z', '2026-03-28T08:00:00.000Z'],
    ]);
  });
});

const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'UTC',
  'America/Santiago',
];

/** A deterministic stream of pseudo-random numbers (mulberry32), so a failing case can be replayed. */
function random(seed: number): (max: number) => number {
  let a = seed;
  return (max) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

function randomSpecs(
  count: number,
): { spec: RotationSpec; weekday: number; next: (max: number) => number }[] {
  const next = random(20260329);
  return Array.from({ length: count }, () => {
    const cadence = next(2) === 0 ? ('daily' as const) : ('weekly' as const);
    const weekday = next(7);
    const spec: RotationSpec = {
      cadence,
      handoffTime: canonicalHandoffTime(
        `${String(next(24)).padStart(2, '0')}:${String(next(60)).padStart(2, '0')}:${String(next(2) === 0 ? 0 : next(60)).padStart(2, '0')}`,
      ),
      handoffWeekday: cadence === 'weekly' ? weekday : null,
      timeZone: zones[next(zones.length)] ?? 'UTC',
      startsAt: new Date(Date.parse('2024-01-01T00:00:00Z') + next(3 * 365) * 86_400_000 + next(86_400_000)),
      memberIds: Array.from({ length: 1 + next(5) }, (_, i) => `m${i}`),
    };
    return { spec, weekday, next };
  });
}

describe('onCallAt properties', () => {
  it('returns a stretch that contains the instant and whose end is where the next stretch starts', () => {
    for (const { spec, next } of randomSpecs(200)) {
      const when = new Date(spec.startsAt.getTime() + next(400) * 86_400_000 + next(86_400_000));
      const shift = onCallAt(spec, [], when);
      const following = shift && onCallAt(spec, [], shift.shiftEnd);
      const ok =
        shift !== null &&
        shift.shiftStart.getTime() <= when.getTime() &&
        when.getTime() < shift.shiftEnd.getTime() &&
        following?.shiftStart.getTime() === shift.shiftEnd.getTime() &&
        onCallAt(spec, [], shift.shiftStart)?.userId === shift.userId;
      expect({ spec, when, ok }).toEqual({ spec, when, ok: true });
    }
  });

  it('hands off at the handoff time on the local wall clock (on the handoff weekday) and cycles the members in order', () => {
    const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    for (const { spec, weekday } of randomSpecs(50)) {
      const shifts = onCallSchedule(
        spec,
        [],
        spec.startsAt,
        new Date(spec.startsAt.getTime() + 90 * 86_400_000),
      );
      const nominal = (spec.cadence === 'weekly' ? 7 : 1) * 86_400_000;
      const wrong = shifts.filter((s, k) => {
        if (s.userId !== spec.memberIds[k % spec.memberIds.length]) return true;
        if (k === 0) return s.shiftStart.getTime() !== spec.startsAt.getTime();
        const local = wallClock(spec.timeZone, s.shiftStart);
        const length = s.shiftEnd.getTime() - s.shiftStart.getTime();
        // Only a handoff time that a DST change skipped may read differently (just after the gap).
        const onTime = local.time === spec.handoffTime || Math.abs(length - nominal) <= 3_600_000;
        const onDay = spec.cadence === 'daily' || local.weekday === names[weekday];
        return !onTime || !onDay || Math.abs(length - nominal) > 3_600_000;
      });
      expect({ spec, wrong }).toEqual({ spec, wrong: [] });
      expect(shifts.length).toBeGreaterThanOrEqual(spec.cadence === 'weekly' ? 12 : 89);
    }
  });
});
