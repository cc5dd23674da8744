import { phaseMs, slotsBetween } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import { fairShare } from '../src/leases';
import { countSlots, planSlots } from '../src/plan';

const id = 'monitor-plan';
const phase = phaseMs(id, 2);
/** The k-th slot of the 2 s monitor. */
const slot = (k: number) => phase + k * 2000;

describe('planSlots', () => {
  it.each([
    {
      name: 'enqueues the slots after the watermark up to the lookahead, end inclusive',
      enqueuedThrough: slot(100),
      now: slot(100) + 500,
      until: slot(102),
      slots: [slot(101), slot(102)],
      missed: 0,
    },
    {
      name: 'enqueues nothing when the lookahead is already covered',
      enqueuedThrough: slot(102),
      now: slot(100),
      until: slot(102),
      slots: [],
      missed: 0,
    },
    {
      name: 'catches up at most two intervals of passed slots and counts older ones as missed',
      enqueuedThrough: slot(90),
      now: slot(100),
      until: slot(101),
      slots: [slot(98), slot(99), slot(100), slot(101)],
      missed: 7,
    },
    {
      name: 'runs a slot that passed a moment ago',
      enqueuedThrough: slot(99),
      now: slot(100) + 10,
      until: slot(101) + 10,
      slots: [slot(100), slot(101)],
      missed: 0,
    },
  ])('$name', ({ enqueuedThrough, now, until, slots, missed }) => {
    const plan = planSlots({
      monitorId: id,
      intervalSeconds: 2,
      enqueuedThroughMs: enqueuedThrough,
      nowMs: now,
      untilMs: until,
      catchUpIntervals: 2,
    });
    expect(plan).toEqual({ slots, missed });
  });
});

describe('planSlots after a fail-over', () => {
  it('runs late slots within catchUpMs even when that is many intervals', () => {
    const plan = planSlots({
      monitorId: id,
      intervalSeconds: 2,
      enqueuedThroughMs: slot(100) - 1,
      nowMs: slot(106) + 10,
      untilMs: slot(107) + 10,
      catchUpIntervals: 2,
      catchUpMs: 15_000,
    });
    expect(plan).toEqual({ slots: [100, 101, 102, 103, 104, 105, 106, 107].map(slot), missed: 0 });
  });

  it('runs at most maxCatchUpSlots past slots and counts the older ones as missed', () => {
    const plan = planSlots({
      monitorId: id,
      intervalSeconds: 2,
      enqueuedThroughMs: slot(100) - 1,
      nowMs: slot(106) + 10,
      untilMs: slot(107) + 10,
      catchUpIntervals: 2,
      catchUpMs: 15_000,
      maxCatchUpSlots: 3,
    });
    expect(plan).toEqual({ slots: [104, 105, 106, 107].map(slot), missed: 4 });
  });
});

describe('countSlots', () => {
  it.each([
    { from: slot(0), to: slot(10), expected: 10 },
    { from: slot(0) + 1, to: slot(10), expected: 9 },
    { from: slot(0), to: slot(10) + 1, expected: 11 },
    { from: slot(5), to: slot(5), expected: 0 },
    { from: slot(6), to: slot(5), expected: 0 },
  ])('counts the slots in [$from, $to) like listing them would', ({ from, to, expected }) => {
    expect(countSlots(id, 2, from, to)).toBe(expected);
    expect(slotsBetween(id, 2, from, to)).toHaveLength(expected);
  });
});

describe('fairShare', () => {
  it.each([
    { shards: 16, instances: 1, share: 16 },
    { shards: 16, instances: 2, share: 8 },
    { shards: 16, instances: 3, share: 6 },
    { shards: 4, instances: 8, share: 1 },
    { shards: 16, instances: 0, share: 16 },
  ])(
    'gives each of $instances instances at most $share of $shards shards',
    ({ shards, instances, share }) => {
      expect(fairShare(shards, instances)).toBe(share);
    },
  );
});
