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
      <DayBars days={series.map((point) => ({ date: point.at, uptimePercent: point.uptimePercent }))} />
      <p className="muted">Green: 99.9% or more · amber: 95% or more · red: below · grey: no data.</p>
    </section>
  );
}

/** One bar per UTC day, each labelled with its date and uptime for screen readers and on hover. */
export function DayBars({ days }: { days: { date: string; uptimePercent: number | null }[] }) {
  if (days.length === 0) return null;
  return (
    <ul className="uptime-bars">
      {days.map((d) => {
        const label = `${day.format(Date.parse(d.date))}: ${d.uptimePercent === null ? 'no data' : formatPercent(d.uptimePercent)}`;
        return (
          <li key={d.date} className={`uptime-bar uptime-bar--${level(d.uptimePercent)}`} title={label}>
            <span className="visually-hidden">{label}</span>
          </li>
        );
      })}
    </ul>
  );
}
