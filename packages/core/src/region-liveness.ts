/** What an organization is told about a region: it stopped reporting, or it reports again. */
export const regionEvents = ['region.degraded', 'region.restored'] as const;
export type RegionEventName = (typeof regionEvents)[number];

export interface RegionEvent {
  region: string;
  event: RegionEventName;
  atMs: number;
}

/**
 * Whether a region is silent long enough to be declared degraded: nothing reported for two
 * intervals plus the allowed lateness (`tailMs`: the timeout and the lateness) since its last slot.
 */
export function isSilent(lastSeenMs: number, nowMs: number, intervalMs: number, tailMs: number): boolean {
  return nowMs > lastSeenMs + 2 * intervalMs + tailMs;
}

/** The note a cause carries while regions are not reporting: ` (region b not reporting)`. */
export function missingRegionsNote(regions: readonly string[]): string {
  if (regions.length === 0) return '';
  const names = [...regions].sort().join(', ');
  return regions.length === 1 ? ` (region ${names} not reporting)` : ` (regions ${names} not reporting)`;
}
