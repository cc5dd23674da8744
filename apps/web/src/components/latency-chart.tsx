'use client';

import { type FormEvent, useState } from 'react';
import type { StatsRange, StatsWindow } from '../lib/api-types';
import { formatDateTime, formatDuration, formatLatency, formatPercent } from '../lib/format';
import { useMonitorStats } from '../lib/queries';
import { ProblemBanner } from './problem-banner';
import { StatsChart } from './stats-chart';

const windows: StatsWindow[] = ['1h', '3h', '6h', '24h', '7d', '30d', '90d'];

/** `datetime-local` value of a time, in the browser's zone. */
const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

function CustomRange({ onApply }: { onApply: (range: { from: string; to: string }) => void }) {
  const [from, setFrom] = useState(() => localInput(Date.now() - 2 * 3_600_000));
  const [to, setTo] = useState(() => localInput(Date.now()));
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const start = Date.parse(from);
    const end = Date.parse(to);
    if (!Number.isFinite(start) || !Number.isFinite(end) || start >= end) {
      setError('From must be before To.');
      return;
    }
    setError(null);
    onApply({ from: new Date(start).toISOString(), to: new Date(end).toISOString() });
  };
  return (
    <form className="range-form" onSubmit={submit} noValidate>
      <label>
        From
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label>
        To
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
      </label>
      <button type="submit" className="button">
        Show
      </button>
      {error ? (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

/** Latency, uptime, checks and incidents over a chosen range, with the figures in words above the chart. */
export function LatencyChart({ monitorId }: { monitorId: string }) {
  const [choice, setChoice] = useState<StatsWindow | 'custom'>('24h');
  const [custom, setCustom] = useState<{ from: string; to: string } | null>(null);
  const range: StatsRange | null = choice === 'custom' ? custom : choice;
  const stats = useMonitorStats(monitorId, range ?? '24h', { enabled: range !== null, points: true });
  const data = range === null ? undefined : stats.data;
  const rangeLabel =
    data && data.window === 'custom'
      ? `${formatDateTime(data.from)} – ${formatDateTime(data.to)}`
      : `the last ${choice}`;

  return (
    <section aria-labelledby="latency-title" className="section">
      <div className="section__header">
        <h2 id="latency-title">Latency and uptime</h2>
        <fieldset className="segmented segmented--wrap">
          <legend className="visually-hidden">Range</legend>
          {[...windows, 'custom' as const].map((w) => (
            <label
              key={w}
              className={w === choice ? 'segmented__item segmented__item--on' : 'segmented__item'}
            >
              <input
                type="radio"
                name="stats-window"
                value={w}
                checked={w === choice}
                onChange={() => setChoice(w)}
              />
              {w === 'custom' ? 'Custom' : w}
            </label>
          ))}
        </fieldset>
      </div>
      {choice === 'custom' ? <CustomRange onApply={setCustom} /> : null}
      {stats.error && range !== null ? (
        <ProblemBanner error={stats.error} onRetry={() => void stats.refetch()} />
      ) : null}
      {stats.isPending && range !== null ? (
        <p className="loading" role="status">
          Loading statistics…
        </p>
      ) : null}
      {data ? (
        <>
          <dl className="figures">
            <div>
              <dt>Uptime</dt>
              <dd data-testid="uptime-figure">
                {data.uptimePercent === null ? 'No data' : formatPercent(data.uptimePercent)}
              </dd>
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
              <dd data-testid="checks-figure">
                {data.checks} ({data.failedChecks} failed)
              </dd>
            </div>
            <div>
              <dt>Incidents</dt>
              <dd data-testid="incidents-figure">{data.incidents}</dd>
            </div>
          </dl>
          <p className="muted">
            {data.uptimePercent === null
              ? `No data in ${rangeLabel}: no checks yet, or all of it in maintenance.`
              : `Uptime over ${formatDuration(data.measuredSeconds * 1000)} with data in ${rangeLabel}; ${formatDuration(data.downtimeSeconds * 1000)} down.`}
          </p>
          {data.checks > 0 || (data.points?.length ?? 0) > 0 ? (
            <StatsChart
              stats={data}
              label={`Latency over ${rangeLabel}: ${data.points ? 'each check a point' : 'p50 and p95'}, failed checks in red, incidents as red bands`}
            />
          ) : (
            <p className="empty empty--inline">No checks in this range yet.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
