import type { RegionStatus } from './api-types';
import { EMPTY } from './format';

export interface DegradedRegion {
  region: string;
  /** ISO time of the `region.degraded` notice, when the API gave one. */
  since: string | null;
}

/** The regions the verifier declared degraded, in the API's order; empty when every region is live. */
export function degradedRegions(items: readonly RegionStatus[] | undefined): DegradedRegion[] {
  return (items ?? [])
    .filter((item) => item.status === 'degraded')
    .map((item) => ({ region: item.region, since: item.since }));
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** "21:40" for a moment earlier today, "Nov 28, 21:40" for an older one: short and steady between polls. */
export function formatSince(iso: string, nowMs: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return EMPTY;
  return new Date(ms).toDateString() === new Date(nowMs).toDateString()
    ? clock.format(ms)
    : dayAndClock.format(ms);
}
