import { availability, type Interval, round } from './intervals';
import { addTo, type Histogram, percentile } from './latency-buckets';
import { binStart, type StatsWindow } from './windows';

/** Scheduled checks of one chart bin and latency bucket (from rollups or raw results). */
export interface BucketRow {
  at: number;
  bucket: number;
  checks: number;
  failed: number;
}

export interface StatsInput {
  window: StatsWindow;
  from: number;
  to: number;
  stepMs: number;
  rows: BucketRow[];
  incidents: Interval[];
  maintenance: Interval[];
}

/** Builds the stats response from facts: pure, so the numbers can be checked by hand. */
export function assembleStats(input: StatsInput) {
  const { from, to, stepMs } = input;
  const overall: Histogram = new Map();
  const perBin = new Map<number, Histogram>();
  let checks = 0;
  let failedChecks = 0;
  for (const row of input.rows) {
    checks += row.checks;
    failedChecks += row.failed;
    addTo(overall, row.bucket, row.checks);
    const bin = perBin.get(row.at) ?? new Map();
    addTo(bin, row.bucket, row.checks);
    perBin.set(row.at, bin);
  }
  const total = availability(input.incidents, input.maintenance, from, to);
  const series = [];
  for (let at = binStart(from, stepMs); at < to; at += stepMs) {
    const piece = availability(
      input.incidents,
      input.maintenance,
      Math.max(at, from),
      Math.min(at + stepMs, to),
    );
    const histogram = perBin.get(at) ?? new Map();
    series.push({
      at: new Date(at).toISOString(),
      uptimePercent: piece.uptimePercent,
      p50: percentile(histogram, 50),
      p95: percentile(histogram, 95),
    });
  }
  return {
    window: input.window,
    uptimePercent: total.uptimePercent,
    checks,
    failedChecks,
    incidents: input.incidents.filter((i) => i.start < to && i.end > from).length,
    downtimeSeconds: round(total.downMs / 1000, 3),
    latencyMs: { p50: percentile(overall, 50), p95: percentile(overall, 95), p99: percentile(overall, 99) },
    series,
  };
}
