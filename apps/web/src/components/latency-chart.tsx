'use client';

import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatsWindow } from '../lib/api-types';
import { EMPTY, formatLatency, formatPercent } from '../lib/format';
import { useMonitorStats } from '../lib/queries';
import { ProblemBanner } from './problem-banner';

const windows: StatsWindow[] = ['1h', '24h', '7d', '30d'];

function tick(window: StatsWindow) {
  const format = new Intl.DateTimeFormat(
    undefined,
    window === '1h' || window === '24h'
      ? { hour: '2-digit', minute: '2-digit' }
      : { month: 'short', day: 'numeric' },
  );
  return (value: string) => format.format(Date.parse(value));
}

/** p50 and p95 latency over a chosen window, with the figures in words above the chart. */
export function LatencyChart({ monitorId }: { monitorId: string }) {
  const [window, setWindow] = useState<StatsWindow>('24h');
  const stats = useMonitorStats(monitorId, window);
  const data = stats.data;

  return (
    <section aria-labelledby="latency-title" className="section">
      <div className="section__header">
        <h2 id="latency-title">Latency and uptime</h2>
        <fieldset className="segmented">
          <legend className="visually-hidden">Window</legend>
          {windows.map((w) => (
            <label
              key={w}
              className={w === window ? 'segmented__item segmented__item--on' : 'segmented__item'}
            >
              <input
                type="radio"
                name="stats-window"
                value={w}
                checked={w === window}
                onChange={() => setWindow(w)}
              />
              {w}
            </label>
          ))}
        </fieldset>
      </div>
      {stats.error ? <ProblemBanner error={stats.error} onRetry={() => void stats.refetch()} /> : null}
      {stats.isPending ? (
        <p className="loading" role="status">
          Loading statistics…
        </p>
      ) : null}
      {data ? (
        <>
          <dl className="figures">
            <div>
              <dt>Uptime</dt>
              <dd>{formatPercent(data.uptimePercent)}</dd>
            </div>
            <div>
              <dt>p50</dt>
              <dd>{formatLatency(data.latencyMs.p50)}</dd>
            </div>
            <div>
              <dt>p95</dt>
              <dd>{formatLatency(data.latencyMs.p95)}</dd>
            </div>
            <div>
              <dt>Checks</dt>
              <dd>
                {data.checks} ({data.failedChecks} failed)
              </dd>
            </div>
            <div>
              <dt>Incidents</dt>
              <dd>{data.incidents ?? EMPTY}</dd>
            </div>
          </dl>
          {data.series.length > 1 ? (
            <figure className="chart" aria-label={`Latency p50 and p95 over the last ${window}`}>
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={data.series} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke="#e3e7ee" vertical={false} />
                  <XAxis
                    dataKey="at"
                    tickFormatter={tick(window)}
                    minTickGap={32}
                    stroke="#4b5563"
                    fontSize={12}
                  />
                  <YAxis
                    width={56}
                    tickFormatter={(v: number) => formatLatency(v)}
                    stroke="#4b5563"
                    fontSize={12}
                  />
                  <Tooltip
                    labelFormatter={(label) => new Date(String(label)).toLocaleString()}
                    formatter={(value) => formatLatency(typeof value === 'number' ? value : null)}
                  />
                  <Legend />
                  <Line
                    type="monotone"
                    dataKey="p50"
                    name="p50"
                    stroke="#1d4ed8"
                    dot={false}
                    isAnimationActive={false}
                    connectNulls
                  />
                  <Line
                    type="monotone"
                    dataKey="p95"
                    name="p95"
                    stroke="#b45309"
                    strokeDasharray="4 3"
                    dot={false}
                    isAnimationActive={false}
                    connectNulls
                  />
                </LineChart>
              </ResponsiveContainer>
            </figure>
          ) : (
            <p className="empty empty--inline">Not enough checks in this window for a chart yet.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
