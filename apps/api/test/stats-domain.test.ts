import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKET_BOUNDS as migrationBounds } from '../../../packages/db/src/migrations/0004-api';
import { assembleStats } from '../src/stats/assemble';
import { observedIntervals } from '../src/stats/coverage';
import { availability } from '../src/stats/intervals';
import { bucketOf, bucketValue, LATENCY_BUCKET_BOUNDS, percentile } from '../src/stats/latency-buckets';

const hist = (values: number[]) => {
  const h = new Map<number, number>();
  for (const v of values) h.set(bucketOf(v), (h.get(bucketOf(v)) ?? 0) + 1);
  return h;
};

describe('availability', () => {
  it.each([
    { name: 'no incident is 100 %', down: [], quiet: [], from: 0, to: 100, up: 100, downMs: 0 },
    { name: 'a quarter down is 75 %', down: [[0, 25]], quiet: [], from: 0, to: 100, up: 75, downMs: 25 },
    {
      name: 'overlapping incidents count once',
      down: [
        [10, 30],
        [20, 40],
      ],
      quiet: [],
      from: 0,
      to: 100,
      up: 70,
      downMs: 30,
    },
    {
      name: 'an incident is clipped to the window',
      down: [
        [-50, 10],
        [90, 500],
      ],
      quiet: [],
      from: 0,
      to: 100,
      up: 80,
      downMs: 20,
    },
    {
      name: 'maintenance leaves the window and its downtime out',
      down: [[0, 50]],
      quiet: [[25, 75]],
      from: 0,
      to: 100,
      up: 50,
      downMs: 25,
    },
    {
      name: 'a window all in maintenance has no uptime',
      down: [[0, 10]],
      quiet: [[0, 100]],
      from: 0,
      to: 100,
      up: null,
      downMs: 0,
    },
    {
      name: 'no checks and no incident is no data, not 100 %',
      down: [],
      quiet: [],
      seen: [],
      from: 0,
      to: 100,
      up: null,
      downMs: 0,
    },
    {
      name: 'time before the first check counts neither way',
      down: [[80, 90]],
      quiet: [],
      seen: [[60, 100]],
      from: 0,
      to: 100,
      up: 75,
      downMs: 10,
    },
    {
      name: 'a gap between checks is left out',
      down: [],
      quiet: [],
      seen: [
        [0, 20],
        [70, 100],
      ],
      from: 0,
      to: 100,
      up: 100,
      downMs: 0,
    },
    {
      name: 'an incident counts as down even where no check covers it',
      down: [[40, 60]],
      quiet: [],
      seen: [[0, 50]],
      from: 0,
      to: 100,
      up: 66.6667,
      downMs: 20,
    },
  ])('$name', ({ down, quiet, seen, from, to, up, downMs }) => {
    const toIntervals = (list: number[][]) => list.map(([start = 0, end = 0]) => ({ start, end }));
    const observed = seen ? toIntervals(seen) : [{ start: from, end: to }];
    const result = availability(
      { down: toIntervals(down), maintenance: toIntervals(quiet), observed },
      from,
      to,
    );
    expect(result.uptimePercent).toBe(up);
    expect(result.downMs).toBe(downMs);
  });
});

describe('the time checks cover', () => {
  const H = 3_600_000;
  it('starts at the first check and covers its hour and one interval beyond, never past now', () => {
    // First check 10:20, checks in 10:00 and 11:00, every minute; now 11:30.
    const observed = observedIntervals(
      { hours: [10 * H, 11 * H], firstCheckAt: 10 * H + 20 * 60_000, intervalMs: 60_000 },
      11.5 * H,
    );
    expect(observed).toEqual([{ start: 10 * H + 20 * 60_000, end: 11.5 * H }]);
  });

  it('leaves an hour without checks out as a gap', () => {
    const observed = observedIntervals({ hours: [0, 3 * H], firstCheckAt: null, intervalMs: 60_000 }, 10 * H);
    expect(observed).toEqual([
      { start: 0, end: H + 60_000 },
      { start: 3 * H, end: 4 * H + 60_000 },
    ]);
  });

  it('lets a check every 6 hours cover the hours between its checks', () => {
    const observed = observedIntervals({ hours: [0, 6 * H], firstCheckAt: 0, intervalMs: 6 * H }, 12 * H);
    expect(observed).toEqual([{ start: 0, end: 12 * H }]);
  });

  it('has no data without checks', () => {
    expect(observedIntervals({ hours: [], firstCheckAt: null, intervalMs: 60_000 }, 10 * H)).toEqual([]);
  });
});

describe('assembled statistics', () => {
  const M = 60_000;
  // A monitor created at 12:00 checked every minute from 12:10; now 13:00; down 12:40 – now (open).
  // Data: [12:10, 13:00) = 50 min; down 20 min: uptime 60 %. 5-minute bins before 12:10 have no data.
  const from = 12 * 60 * M;
  const to = 13 * 60 * M;
  const stats = assembleStats({
    window: '1h',
    from,
    to,
    stepMs: 5 * M,
    rows: [
      { at: from + 10 * M, bucket: bucketOf(100), checks: 5, failed: 0 },
      { at: from + 45 * M, bucket: bucketOf(200), checks: 5, failed: 5 },
    ],
    facts: {
      down: [{ start: from + 40 * M, end: to }],
      maintenance: [],
      observed: [{ start: from + 10 * M, end: to }],
    },
    incidents: [{ id: 'i1', start: from + 40 * M, end: to, open: true }],
    points: [],
  });

  it('counts an open incident up to now and only time with data', () => {
    expect(stats).toMatchObject({
      uptimePercent: 60,
      downtimeSeconds: 1200,
      measuredSeconds: 3000,
      checks: 10,
      failedChecks: 5,
      incidents: 1,
      incidentSpans: [{ id: 'i1', openedAt: new Date(from + 40 * M).toISOString(), resolvedAt: null }],
    });
  });

  it('marks bins without data as null and bins of the incident as 0 %', () => {
    expect(stats.series).toHaveLength(12);
    expect(stats.series[0]?.uptimePercent).toBeNull();
    expect(stats.series[1]?.uptimePercent).toBeNull();
    expect(stats.series[2]).toMatchObject({ uptimePercent: 100, checks: 5, failedChecks: 0, p50: 100 });
    expect(stats.series[9]).toMatchObject({ uptimePercent: 0, checks: 5, failedChecks: 5, p50: 200 });
  });
});

describe('latency percentiles', () => {
  it.each([
    { name: 'one sample is every percentile', values: [120], p: 99, expected: 120 },
    {
      name: 'nearest rank: p50 of 1..10 ms is 5',
      values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      p: 50,
      expected: 5,
    },
    { name: 'p90 of 1..10 ms is 9', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 90, expected: 9 },
    {
      name: 'p99 of 99 fast and 1 slow is the fast one',
      values: [...Array(99).fill(100), 3000],
      p: 99,
      expected: 100,
    },
    { name: 'p100 reaches the slow one', values: [...Array(99).fill(100), 3000], p: 100, expected: 3000 },
    { name: 'a value between bounds rounds down to its bucket', values: [105], p: 50, expected: 100 },
    { name: 'no samples, no percentile', values: [], p: 50, expected: null },
  ])('$name', ({ values, p, expected }) => {
    expect(percentile(hist(values), p)).toBe(expected);
  });

  it('keeps every bucket within 12.5 % of the latencies it holds', () => {
    for (let ms = 1; ms <= 300_000; ms = Math.ceil(ms * 1.01)) {
      const value = bucketValue(bucketOf(ms)) as number;
      expect(value).toBeLessThanOrEqual(ms);
      if (ms < 100_000) expect(ms / value).toBeLessThan(1.126);
    }
  });

  it('uses the same bucket bounds as the rollups in the migration', () => {
    expect(LATENCY_BUCKET_BOUNDS).toEqual(migrationBounds);
    expect([...LATENCY_BUCKET_BOUNDS].sort((a, b) => a - b)).toEqual(LATENCY_BUCKET_BOUNDS);
  });
});
