'use client';

import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { MonitorStats } from '../lib/api-types';
import { formatLatency } from '../lib/format';

const DAY_MS = 86_400_000;

function tickFormat(spanMs: number) {
  const format = new Intl.DateTimeFormat(
    undefined,
    spanMs <= DAY_MS ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' },
  );
  return (value: number) => format.format(value);
}

type Dot = { cx?: number; cy?: number };

const point = (className: string, r: number) => (props: unknown) => {
  const { cx, cy } = props as Dot;
  if (cx === undefined || cy === undefined) return <g />;
  return <circle cx={cx} cy={cy} r={r} className={className} />;
};

/**
 * Latency over the range: each check as a point on short ranges (failures in red), p50/p95 per bin on
 * long ones with a red marker on each bin holding a failure; down incidents as red bands.
 */
export function StatsChart({ stats, label }: { stats: MonitorStats; label: string }) {
  const to = Date.parse(stats.to);
  const points = stats.points;
  // Checks that began inside the range are drawn from where they begin, not squeezed into its end.
  const firstCheck = points?.[0] ? Date.parse(points[0].at) : null;
  const from =
    firstCheck === null
      ? Date.parse(stats.from)
      : Math.max(Date.parse(stats.from), firstCheck - Math.max(1_000, (to - firstCheck) * 0.05));
  const ok = (points ?? [])
    .filter((p) => p.ok && p.latencyMs !== null)
    .map((p) => ({ t: Date.parse(p.at), latency: p.latencyMs }));
  const failed = points
    ? points.filter((p) => !p.ok).map((p) => ({ t: Date.parse(p.at), latency: p.latencyMs ?? 0 }))
    : stats.series
        .filter((s) => s.failedChecks > 0)
        .map((s) => ({ t: Date.parse(s.at), latency: s.p95 ?? s.p50 ?? 0 }));
  const series = stats.series.map((s) => ({ t: Date.parse(s.at), p50: s.p50, p95: s.p95 }));
  // A few bins with data would draw no visible line: mark each with a dot.
  const sparse = series.filter((s) => s.p50 !== null).length < 12;
  const bands = stats.incidentSpans.map((i) => ({
    id: i.id,
    x1: Math.max(from, Date.parse(i.openedAt)),
    x2: i.resolvedAt ? Math.min(to, Date.parse(i.resolvedAt)) : to,
  }));
  return (
    <figure className="chart" aria-label={label} data-points={points ? 'checks' : 'rollups'}>
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={points ? undefined : series} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e3e7ee" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from, to]}
            tickFormatter={tickFormat(to - from)}
            minTickGap={32}
            stroke="#4b5563"
            fontSize={12}
          />
          <YAxis
            width={56}
            type="number"
            domain={[0, 'auto']}
            tickFormatter={(v: number) => formatLatency(v)}
            stroke="#4b5563"
            fontSize={12}
          />
          <Tooltip
            labelFormatter={(value) => new Date(Number(value)).toLocaleString()}
            formatter={(value, name) =>
              name === 't'
                ? [new Date(Number(value)).toLocaleString(), 'time']
                : [formatLatency(typeof value === 'number' ? value : null), name]
            }
          />
          <Legend />
          {bands.map((b) => (
            <ReferenceArea
              key={b.id}
              x1={b.x1}
              x2={b.x2}
              className="chart__incident"
              fill="#dc2626"
              fillOpacity={0.12}
              ifOverflow="hidden"
            />
          ))}
          {points ? (
            <Scatter
              name="latency"
              data={ok}
              dataKey="latency"
              fill="#1d4ed8"
              line={{ stroke: '#1d4ed8', strokeWidth: 1 }}
              shape={point('chart__point', 2.5)}
              isAnimationActive={false}
            />
          ) : (
            <>
              <Line
                type="monotone"
                dataKey="p50"
                name="p50"
                stroke="#1d4ed8"
                dot={sparse ? { r: 3 } : false}
                isAnimationActive={false}
                connectNulls
              />
              <Line
                type="monotone"
                dataKey="p95"
                name="p95"
                stroke="#b45309"
                strokeDasharray="4 3"
                dot={sparse ? { r: 3 } : false}
                isAnimationActive={false}
                connectNulls
              />
            </>
          )}
          <Scatter
            name="failed"
            data={failed}
            dataKey="latency"
            fill="#dc2626"
            shape={point('chart__failure', 4)}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
