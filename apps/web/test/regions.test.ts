import { describe, expect, it } from 'vitest';
import type { RegionStatus } from '../src/lib/api-types';
import { EMPTY } from '../src/lib/format';
import { degradedRegions, formatSince } from '../src/lib/regions';

describe('degradedRegions', () => {
  it('keeps only the degraded regions, in the order the API listed them, with since when', () => {
    const items: RegionStatus[] = [
      { region: 'ap', status: 'degraded', since: '2030-01-01T00:10:00.000Z' },
      { region: 'eu', status: 'live', since: '2030-01-01T00:05:00.000Z' },
      { region: 'local', status: 'live', since: null },
      { region: 'us', status: 'degraded', since: '2030-01-01T00:00:00.000Z' },
    ];
    expect(degradedRegions(items)).toEqual([
      { region: 'ap', since: '2030-01-01T00:10:00.000Z' },
      { region: 'us', since: '2030-01-01T00:00:00.000Z' },
    ]);
  });

  it('is empty when every region is live, and before the first answer', () => {
    expect(degradedRegions([{ region: 'eu', status: 'live', since: '2030-01-01T00:05:00.000Z' }])).toEqual(
      [],
    );
    expect(degradedRegions(undefined)).toEqual([]);
  });
});

describe('formatSince', () => {
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

  it('gives only the time of day for a moment earlier today', () => {
    const now = new Date(2030, 0, 15, 21, 45).getTime();
    const since = new Date(2030, 0, 15, 21, 40);
    expect(formatSince(since.toISOString(), now)).toBe(clock.format(since));
  });

  it('adds the day for a moment before today', () => {
    const now = new Date(2030, 0, 15, 0, 5).getTime();
    const since = new Date(2030, 0, 14, 23, 50);
    const text = formatSince(since.toISOString(), now);
    expect(text).toContain(clock.format(since));
    expect(text).toContain('14');
  });

  it('shows a dash for a time it cannot read', () => {
    expect(formatSince('not a time', Date.now())).toBe(EMPTY);
  });
});
