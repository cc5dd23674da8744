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

/**
 * What results that arrived too late to be judged still say: their region reports. Each moves the
 * region's latest reported slot on; a degraded region whose latest slot is no longer silent is
 * restored. A degraded region's slots are decided without waiting for it, so its first results
 * after it comes back usually land behind the judged slots: without this it would never return.
 */
export function reportedLate(
  state: { seen: Readonly<Record<string, number>>; degraded: readonly string[] },
  late: readonly { region: string; scheduledAtMs: number }[],
  at: { nowMs: number; intervalMs: number; tailMs: number },
): { seen: Record<string, number>; degraded: string[]; events: RegionEvent[] } {
  const seen = { ...state.seen };
  for (const r of late) seen[r.region] = Math.max(seen[r.region] ?? r.scheduledAtMs, r.scheduledAtMs);
  const events: RegionEvent[] = [];
  const degraded: string[] = [];
  for (const region of state.degraded) {
    const reported = late.some((r) => r.region === region);
    if (reported && !isSilent(seen[region] ?? 0, at.nowMs, at.intervalMs, at.tailMs)) {
      events.push({ region, event: 'region.restored', atMs: at.nowMs });
    } else {
      degraded.push(region);
    }
  }
  return { seen, degraded, events };
}
