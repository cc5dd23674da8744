import { describe, expect, it } from 'vitest';
import { checkJobId, phaseMs, shardOf, slotAtOrBefore, slotsBetween } from '../src/slots';

describe('slots', () => {
  it('gives a monitor the same phase every time, within its interval', () => {
    const phase = phaseMs('mon-a', 60);
    expect(phaseMs('mon-a', 60)).toBe(phase);
    expect(phase).toBeGreaterThanOrEqual(0);
    expect(phase).toBeLessThan(60_000);
  });

  it('spreads many monitors over the whole interval', () => {
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(phaseMs(`m${i}`, 10) / 1000)]++;
    for (const count of buckets) expect(count).toBeGreaterThan(800);
  });

  it('lists the slots of a window at interval spacing, start inclusive and end exclusive', () => {
    const phase = phaseMs('m1', 2);
    const slots = slotsBetween('m1', 2, phase, phase + 10_000);
    expect(slots).toEqual([0, 1, 2, 3, 4].map((k) => phase + k * 2000));
  });

  it('finds the latest slot at or before an instant', () => {
    const phase = phaseMs('m1', 5);
    expect(slotAtOrBefore('m1', 5, phase + 12_000)).toBe(phase + 10_000);
    expect(slotAtOrBefore('m1', 5, phase + 10_000)).toBe(phase + 10_000);
  });

  it('names a check job without colons', () => {
    expect(checkJobId('abc', 1000, 'eu')).toBe('chk-abc-1000-eu');
    expect(checkJobId('abc', 1000, 'eu')).not.toContain(':');
  });

  it('keeps shards within range', () => {
    for (let i = 0; i < 100; i++) expect(shardOf(`m${i}`, 16)).toBeLessThan(16);
  });
});
