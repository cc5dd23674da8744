import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKET_BOUNDS as migrationBounds } from '../../../packages/db/src/migrations/0004-api';
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
  ])('$name', ({ down, quiet, from, to, up, downMs }) => {
    const toIntervals = (list: number[][]) => list.map(([start = 0, end = 0]) => ({ start, end }));
    const result = availability(toIntervals(down), toIntervals(quiet), from, to);
    expect(result.uptimePercent).toBe(up);
    expect(result.downMs).toBe(downMs);
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
