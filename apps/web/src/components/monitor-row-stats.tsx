'use client';

import { useEffect, useRef, useState } from 'react';
import { formatLatency, formatPercent } from '../lib/format';

const LOADING = '…';

import { useMonitorStats } from '../lib/queries';
import { Sparkline } from './sparkline';

/** Becomes true once the element has been on screen: rows far below the fold fetch nothing. */
function useSeen<T extends Element>() {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || seen) return;
    if (typeof IntersectionObserver === 'undefined') return setSeen(true);
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen]);
  return [ref, seen] as const;
}

/** Uptime over 24 h / 7 d / 30 d for one overview row, fetched only when the row is visible. */
export function UptimeCells({ monitorId }: { monitorId: string }) {
  const [ref, seen] = useSeen<HTMLTableCellElement>();
  const day = useMonitorStats(monitorId, '24h', { enabled: seen });
  const week = useMonitorStats(monitorId, '7d', { enabled: seen });
  const month = useMonitorStats(monitorId, '30d', { enabled: seen });
  // Loading and a failed request each look unlike "no data" (the dash), so none is read as a figure.
  const cell = (q: typeof day) => (q.error ? '?' : q.data ? formatPercent(q.data.uptimePercent) : LOADING);
  return (
    <td ref={ref} className="num uptime-cell" data-label="Uptime 24 h · 7 d · 30 d">
      <span title="last 24 hours">{cell(day)}</span>
      <span className="muted" title="last 7 days">
        {cell(week)}
      </span>
      <span className="muted" title="last 30 days">
        {cell(month)}
      </span>
    </td>
  );
}

export function LatencyCell({ monitorId, latencyMs }: { monitorId: string; latencyMs: number | null }) {
  const [ref, seen] = useSeen<HTMLTableCellElement>();
  const day = useMonitorStats(monitorId, '24h', { enabled: seen });
  const series = day.data?.series.map((point) => point.p50) ?? [];
  return (
    <td ref={ref} className="num latency-cell" data-label="Latency">
      <span>{formatLatency(latencyMs)}</span>
      <Sparkline values={series} label="Median latency over the last 24 hours" />
    </td>
  );
}
