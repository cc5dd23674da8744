import { phaseMs } from './slots';

/** The job lock a worker holds on a check by default (BullMQ `lockDuration`; JOB_LOCK_MS). */
export const DEFAULT_JOB_LOCK_MS = 10_000;

/** Time for a check run again after a stall to be written and to poke the verifier. */
export const LATE_WRITE_MARGIN_MS = 5_000;

/**
 * How late past its own timeout a check's result may arrive and still be judged in slot order, by
 * default: a job held by a worker that died or stalled is found stalled within two lock periods
 * (the lock expires, then the stalled-job sweep runs) and runs again; then its write and poke.
 */
export function defaultResultLatenessMs(jobLockMs: number = DEFAULT_JOB_LOCK_MS): number {
  return 2 * jobLockMs + LATE_WRITE_MARGIN_MS;
}

/** The time after which a check planned at `scheduledAtMs` is judged with the results there are. */
export function resultDeadlineMs(scheduledAtMs: number, timeoutMs: number, latenessMs: number): number {
  return scheduledAtMs + timeoutMs + latenessMs;
}

/**
 * Slots a region's results were judged without, as ranges of planned times in consumption order:
 * every slot consumed from `fromMs` to `toMs` lacked the region. `open` while no slot with the
 * region has been consumed since, so the next slot without it extends the range.
 */
export interface GapRange {
  fromMs: number;
  toMs: number;
  open: boolean;
}
export type Gaps = Record<string, GapRange[]>;

/** How long gaps are remembered: a result arriving later than this behind the judged slots is not found. */
export const GAP_HORIZON_MS = 3_600_000;
const MAX_RANGES_PER_REGION = 20;

/** Records which regions a consumed slot (or a run of skipped slots) lacked, and closes the gaps of those it had. */
export function recordGaps(
  gaps: Gaps,
  slot: { fromMs: number; toMs: number },
  missing: readonly string[],
  present: readonly string[],
): Gaps {
  const next: Gaps = { ...gaps };
  for (const region of missing) {
    const ranges = [...(next[region] ?? [])];
    const last = ranges.at(-1);
    if (last?.open) ranges[ranges.length - 1] = { ...last, toMs: slot.toMs };
    else ranges.push({ fromMs: slot.fromMs, toMs: slot.toMs, open: true });
    next[region] = ranges.slice(-MAX_RANGES_PER_REGION);
  }
  for (const region of present) {
    const ranges = next[region];
    const last = ranges?.at(-1);
    if (ranges && last?.open) next[region] = [...ranges.slice(0, -1), { ...last, open: false }];
  }
  return next;
}

/** Forgets gaps that ended more than the horizon before `throughMs`. */
export function pruneGaps(gaps: Gaps, throughMs: number | null): Gaps {
  if (throughMs === null) return gaps;
  const next: Gaps = {};
  for (const [region, ranges] of Object.entries(gaps)) {
    const kept = ranges.filter((r) => r.toMs >= throughMs - GAP_HORIZON_MS);
    if (kept.length > 0) next[region] = kept;
  }
  return next;
}

/**
 * Results that arrived for slots already judged without their region: each is counted late, never
 * judged. A result of a slot that was judged with its region is not among them.
 */
export function lateResults<R extends { region: string; scheduledAtMs: number }>(
  gaps: Gaps,
  candidates: readonly R[],
): R[] {
  return candidates.filter((r) =>
    (gaps[r.region] ?? []).some((g) => g.fromMs <= r.scheduledAtMs && r.scheduledAtMs <= g.toMs),
  );
}

/**
 * The planned slots of a monitor strictly between two of its slots (a run of slots with no result
 * yet), as its first and last; null when there is none, or when `beforeMs` is not one of its planned
 * slots at this interval (its interval changed since): then nothing is known to be missing.
 */
export function slotsMissingBetween(
  monitorId: string,
  intervalSeconds: number,
  afterMs: number,
  beforeMs: number,
): { firstMs: number; lastMs: number } | null {
  const period = intervalSeconds * 1000;
  const phase = phaseMs(monitorId, intervalSeconds);
  if ((((beforeMs - phase) % period) + period) % period !== 0) return null;
  const firstMs = Math.floor((afterMs - phase) / period) * period + phase + period;
  const lastMs = Math.ceil((beforeMs - phase) / period) * period + phase - period;
  return firstMs <= lastMs ? { firstMs, lastMs } : null;
}
