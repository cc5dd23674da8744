import { describe, expect, it } from 'vitest';
import {
  certDaysLeft,
  certText,
  certUrgency,
  emptyFilters,
  filtersFromSearch,
  type RecentCheck,
  recentTicks,
  searchWithFilters,
} from '../src/lib/monitor-list';

const check = (minute: number, failedRegions = 0, regions = 1): RecentCheck => ({
  scheduledAt: new Date(Date.UTC(2026, 10, 1, 12, minute)).toISOString(),
  ok: failedRegions === 0,
  failedRegions,
  regions,
  latencyMs: 40,
});

describe('filters in the address', () => {
  it('reads every filter and ignores other parameters', () => {
    expect(filtersFromSearch('?status=down&type=http&tag=prod&q=%20shop%20&sort=name&x=1')).toEqual({
      status: 'down',
      type: 'http',
      tag: 'prod',
      q: 'shop',
      sort: 'name',
    });
    expect(filtersFromSearch('')).toEqual(emptyFilters);
  });

  it('writes set filters, drops empty ones and keeps other parameters', () => {
    expect(searchWithFilters('?x=1&tag=old', { ...emptyFilters, status: 'down', tag: '' })).toBe(
      '?x=1&status=down',
    );
    expect(searchWithFilters('?q=a', emptyFilters)).toBe('');
  });

  it('round-trips a tag with spaces and symbols', () => {
    const filters = { ...emptyFilters, tag: 'team a&b', q: 'x=y' };
    expect(filtersFromSearch(searchWithFilters('', filters))).toEqual(filters);
  });
});

describe('recent-check ticks', () => {
  it('pads a new monitor with grey no-data ticks on the left', () => {
    const ticks = recentTicks([check(1), check(2, 1)], 4);
    expect(ticks.map((t) => t.state)).toEqual(['none', 'none', 'up', 'down']);
  });

  it('keeps the newest checks when there are more than fit', () => {
    const ticks = recentTicks([check(1, 1), check(2), check(3)], 2);
    expect(ticks.map((t) => t.state)).toEqual(['up', 'up']);
  });

  it('marks a slot that failed in some regions only as partial and says how many', () => {
    const [tick] = recentTicks([check(1, 1, 3)], 1);
    expect(tick?.state).toBe('partial');
    expect(tick?.label).toContain('failed in 1 of 3 regions');
  });

  it('shows no data at all as grey only', () => {
    expect(recentTicks([], 3).every((t) => t.state === 'none')).toBe(true);
  });
});

describe('certificate expiry', () => {
  const now = Date.UTC(2026, 10, 1);
  it.each([
    [Date.UTC(2026, 11, 1), 30, 'ok', 'certificate expires in 30 d'],
    [Date.UTC(2026, 10, 11), 10, 'soon', 'certificate expires in 10 d'],
    [Date.UTC(2026, 10, 1, 18), 0, 'soon', 'certificate expires today'],
    [Date.UTC(2026, 9, 29), -3, 'expired', 'certificate expired 3 d ago'],
  ])('counts whole days left (%#)', (expires, days, urgency, text) => {
    const left = certDaysLeft(new Date(expires).toISOString(), now);
    expect(left).toBe(days);
    expect(certUrgency(days)).toBe(urgency);
    expect(certText(days)).toBe(text);
  });

  it('says nothing when no check saw a certificate', () => {
    expect(certDaysLeft(null, now)).toBeNull();
  });
});
