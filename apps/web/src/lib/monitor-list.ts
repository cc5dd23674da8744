/** Pure helpers of the monitor list: URL filters, recent-check ticks and certificate expiry. */

/** Monitors per page of the list: the overview reads one page at a time, however many there are. */
export const MONITOR_PAGE_SIZE = 100;

export interface ListFilters {
  status: string;
  type: string;
  tag: string;
  q: string;
  sort: string;
}

export const emptyFilters: ListFilters = { status: '', type: '', tag: '', q: '', sort: '' };

const filterKeys = Object.keys(emptyFilters) as Array<keyof ListFilters>;

/** The list's filters as the address keeps them (`?status=down&tag=prod`); unknown keys are ignored. */
export function filtersFromSearch(search: string): ListFilters {
  const params = new URLSearchParams(search);
  return Object.fromEntries(
    filterKeys.map((key) => [key, params.get(key)?.trim() ?? '']),
  ) as unknown as ListFilters;
}

/** The address's query with the filters set (empty ones left out), other parameters kept. */
export function searchWithFilters(search: string, filters: ListFilters): string {
  const params = new URLSearchParams(search);
  for (const key of filterKeys) {
    const value = filters[key].trim();
    if (value) params.set(key, value);
    else params.delete(key);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface RecentCheck {
  scheduledAt: string;
  ok: boolean;
  failedRegions: number;
  regions: number;
  latencyMs: number | null;
}

export type TickState = 'up' | 'partial' | 'down' | 'none';

export interface Tick {
  key: string;
  state: TickState;
  label: string;
}

const tickState = (check: RecentCheck): TickState => {
  if (check.ok) return 'up';
  return check.failedRegions < check.regions ? 'partial' : 'down';
};

/**
 * Exactly `count` ticks, oldest first: grey ("no data") ones before the checks there are, so a new
 * monitor's bar fills from the right as a long-running one's does.
 */
export function recentTicks(checks: readonly RecentCheck[], count: number): Tick[] {
  const shown = checks.slice(-count);
  const blanks: Tick[] = Array.from({ length: count - shown.length }, (_, i) => ({
    key: `none-${i}`,
    state: 'none',
    label: 'no data',
  }));
  return [
    ...blanks,
    ...shown.map((check) => {
      const state = tickState(check);
      const what =
        state === 'up'
          ? 'OK'
          : state === 'down'
            ? 'failed'
            : `failed in ${check.failedRegions} of ${check.regions} regions`;
      return { key: check.scheduledAt, state, label: `${check.scheduledAt}: ${what}` };
    }),
  ];
}

/** Whole days until a certificate expires (negative once it has), or null when none was seen. */
export function certDaysLeft(expiresAt: string | null, nowMs: number): number | null {
  if (!expiresAt) return null;
  const ms = Date.parse(expiresAt);
  if (Number.isNaN(ms)) return null;
  return Math.floor((ms - nowMs) / 86_400_000);
}

export type CertUrgency = 'ok' | 'soon' | 'expired';

/** Under 14 days is "soon" (the assertion example of the API reference uses the same bound). */
export function certUrgency(days: number): CertUrgency {
  if (days < 0) return 'expired';
  return days < 14 ? 'soon' : 'ok';
}

export function certText(days: number): string {
  if (days < 0) return `certificate expired ${-days} d ago`;
  if (days === 0) return 'certificate expires today';
  return `certificate expires in ${days} d`;
}
