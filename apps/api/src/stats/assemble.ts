import { availability, type Interval, round, type UptimeFacts } from './intervals';
import { addTo, type Histogram, percentile } from './latency-buckets';
import { binStart, type StatsWindow } from './windows';

/** Scheduled checks of one chart bin and latency bucket (from rollups or raw results). */
export interface BucketRow {
  at: number;
  bucket: number;
  checks: number;
  failed: number;
}

/** One check, drawn as a point on short ranges. */
export interface CheckPoint {
  at: number;
  region: string;
  kind: 'scheduled' | 'confirmation';
  ok: boolean;
  latencyMs: number | null;
}

export interface IncidentSpan extends Interval {
  id: string;
  open: boolean;
}

export interface StatsInput {
  window: StatsWindow | 'custom';
  from: number;
  to: number;
  stepMs: number;
  rows: BucketRow[];
  facts: UptimeFacts;
  incidents: IncidentSpan[];
  /** null when the range is too long or holds too many checks to answer each one. */
  points: CheckPoint[] | null;
}

/** Builds the stats response from facts: pure, so the numbers can be checked by hand. */
export function assembleStats(input: StatsInput) {
  const { from, to, stepMs, facts } = input;
  const overall: Histogram = new Map();
  const perBin = new Map<number, { histogram: Histogram; checks: number; failed: number }>();
  let checks = 0;
  let failedChecks = 0;
  for (const row of input.rows) {
    checks += row.checks;
    failedChecks += row.failed;
    addTo(overall, row.bucket, row.checks);
    const bin = perBin.get(row.at) ?? { histogram: new Map(), checks: 0, failed: 0 };
    addTo(bin.histogram, row.bucket, row.checks);
    bin.checks += row.checks;
    bin.failed += row.failed;
    perBin.set(row.at, bin);
  }
  const total = availability(facts, from, to);
  const series = [];
  for (let at = binStart(from, stepMs); at < to; at += stepMs) {
    const piece = availability(facts, Math.max(at, from), Math.min(at + stepMs, to));
    const bin = perBin.get(at);
    const histogram = bin?.histogram ?? new Map();
    series.push({
      at: new Date(at).toISOString(),
      uptimePercent: piece.uptimePercent,
      p50: percentile(histogram, 50),
      p95: percentile(histogram, 95),
      checks: bin?.checks ?? 0,
      failedChecks: bin?.failed ?? 0,
    });
  }
  const overlapping = input.incidents.filter((i) => i.start < to && i.end > from);
  return {
    window: input.window,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    uptimePercent: total.uptimePercent,
    checks,
    failedChecks,
    incidents: overlapping.length,
    downtimeSeconds: round(total.downMs / 1000, 3),
    measuredSeconds: round(total.consideredMs / 1000, 3),
    latencyMs: { p50: percentile(overall, 50), p95: percentile(overall, 95), p99: percentile(overall, 99) },
    series,
    incidentSpans: overlapping.map((i) => ({
      id: i.id,
      openedAt: new Date(i.start).toISOString(),
      resolvedAt: i.open ? null : new Date(i.end).toISOString(),
    })),
    points:
      input.points?.map((p) => ({
        at: new Date(p.at).toISOString(),
        region: p.region,
        kind: p.kind,
        ok: p.ok,
        latencyMs: p.latencyMs,
      })) ?? null,
  };
}
