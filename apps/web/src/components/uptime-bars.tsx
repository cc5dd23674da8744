'use client';

import { formatPercent } from '../lib/format';
import { useMonitorStats } from '../lib/queries';

function level(uptime: number | null): string {
  if (uptime === null) return 'none';
  if (uptime >= 99.9) return 'good';
  if (uptime >= 95) return 'degraded';
  return 'bad';
}

// Bars are UTC days: label them so, whatever the reader's zone.
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** One bar per day of the last 30, each labelled with its date and uptime for screen readers and on hover. */
export function UptimeBars({ monitorId }: { monitorId: string }) {
  const stats = useMonitorStats(monitorId, '30d');
  const series = stats.data?.series ?? [];
  if (stats.error || series.length === 0) return null;
  return (
    <section aria-labelledby="uptime-bars-title" className="section">
      <h2 id="uptime-bars-title">Uptime per day (UTC)</h2>
      <ul className="uptime-bars">
        {series.map((point) => {
          const label = `${day.format(Date.parse(point.at))}: ${point.uptimePercent === null ? 'no data' : formatPercent(point.uptimePercent)}`;
          return (
            <li
              key={point.at}
              className={`uptime-bar uptime-bar--${level(point.uptimePercent)}`}
              title={label}
            >
              <span className="visually-hidden">{label}</span>
            </li>
          );
        })}
      </ul>
      <p className="muted">Green: 99.9% or more · amber: 95% or more · red: below · grey: no data.</p>
    </section>
  );
}
