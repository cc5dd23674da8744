/** A tiny latency trend for table rows; decorative next to the number it sits beside. */
export function Sparkline({ values, label }: { values: (number | null)[]; label: string }) {
  const points = values
    .map((v, i) => [i, v] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null);
  if (points.length < 2) return null;
  const width = 80;
  const height = 20;
  const max = Math.max(...points.map(([, v]) => v), 1);
  const last = values.length - 1 || 1;
  const d = points
    .map(
      ([i, v], n) =>
        `${n === 0 ? 'M' : 'L'}${((i / last) * width).toFixed(1)},${(height - (v / max) * (height - 2) - 1).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
