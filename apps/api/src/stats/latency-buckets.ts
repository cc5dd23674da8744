/**
 * Latency histogram buckets shared with the rollups (migration 0004-api defines the same list; a test
 * keeps them equal). Postgres `width_bucket(ms, bounds)` gives i when bounds[i-1] <= ms < bounds[i],
 * 0 below the first bound; -1 marks a check without a latency.
 */
export const LATENCY_BUCKET_BOUNDS: readonly number[] = (() => {
  const steps = [
    1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.2, 2.4, 2.6, 2.8, 3, 3.3, 3.6, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5,
    8, 9,
  ];
  const bounds: number[] = [];
  for (const decade of [1, 10, 100, 1000, 10_000]) {
    for (const step of steps) {
      const value = Math.round(step * decade);
      if (bounds[bounds.length - 1] !== value) bounds.push(value);
    }
  }
  bounds.push(100_000, 150_000, 200_000, 300_000);
  return bounds;
})();

export const NO_LATENCY_BUCKET = -1;

/** The value a bucket stands for: its lower bound, so latencies on a bound are exact and others at most 12.5% low. */
export function bucketValue(bucket: number): number | null {
  if (bucket < 0) return null;
  if (bucket === 0) return 0;
  return LATENCY_BUCKET_BOUNDS[Math.min(bucket, LATENCY_BUCKET_BOUNDS.length) - 1] ?? null;
}

/** Which bucket a latency falls in (the JS twin of Postgres width_bucket over the bounds). */
export function bucketOf(latencyMs: number | null): number {
  if (latencyMs === null) return NO_LATENCY_BUCKET;
  let index = 0;
  while (index < LATENCY_BUCKET_BOUNDS.length && (LATENCY_BUCKET_BOUNDS[index] as number) <= latencyMs)
    index++;
  return index;
}

export type Histogram = Map<number, number>;

export function addTo(histogram: Histogram, bucket: number, count: number): void {
  if (bucket < 0 || count <= 0) return;
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + count);
}

/** Nearest-rank percentile: the smallest value with at least p% of the samples at or below it. */
export function percentile(histogram: Histogram, p: number): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket) ?? 0;
    if (seen >= rank) return bucketValue(bucket);
  }
  return null;
}
