'use client';

import type { MonitorStatus } from '@sentinelmesh/core';
import Link from 'next/link';
import type { Monitor } from '../lib/api-types';
import { formatDateTime, formatInterval, formatLatency, monitorTarget, statusLabels } from '../lib/format';
import { MONITOR_LIST_LIMIT, POLL_INTERVAL_MS, useMonitors } from '../lib/queries';
import { useNow } from '../lib/use-now';
import { ProblemBanner } from './problem-banner';
import { StatusBadge } from './status-badge';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';

/** Trouble first: a down monitor should never be below the fold. */
const statusOrder: MonitorStatus[] = ['down', 'flapping', 'pending', 'maintenance', 'paused', 'up'];

function byStatus(monitors: Monitor[]): Monitor[] {
  const rank = (m: Monitor) => {
    const index = statusOrder.indexOf(m.state.status);
    return index === -1 ? statusOrder.length : index;
  };
  return monitors
    .map((m, i) => ({ m, i }))
    .sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i)
    .map(({ m }) => m);
}

function StatusSummary({ monitors }: { monitors: Monitor[] }) {
  const counts = new Map<MonitorStatus, number>();
  for (const m of monitors) counts.set(m.state.status, (counts.get(m.state.status) ?? 0) + 1);
  return (
    <ul className="summary" aria-label="Monitors by status">
      {statusOrder
        .filter((status) => counts.has(status))
        .map((status) => (
          <li key={status} className={`summary__item summary__item--${status}`}>
            <strong>{counts.get(status)}</strong> {statusLabels[status].toLowerCase()}
          </li>
        ))}
    </ul>
  );
}

export function MonitorsOverview() {
  const monitors = useMonitors();
  const now = useNow(5_000);
  const page = monitors.data;

  return (
    <>
      <div className="page-header">
        <h1>Monitors</h1>
        <Link href="/monitors/new" className="button">
          New monitor
        </Link>
      </div>

      {monitors.error ? (
        <ProblemBanner
          error={monitors.error}
          note={page ? `Showing the list as of ${formatDateTime(monitors.dataUpdatedAt)}.` : undefined}
          onRetry={() => void monitors.refetch()}
        />
      ) : null}

      {monitors.isPending ? (
        <p className="loading" role="status">
          Loading monitors…
        </p>
      ) : null}

      {page && page.items.length === 0 ? (
        <div className="empty">
          <h2>No monitors yet</h2>
          <p>A monitor checks a URL or TCP port on a schedule and tells you when it goes down.</p>
          <Link href="/monitors/new" className="button">
            Create your first monitor
          </Link>
        </div>
      ) : null}

      {page && page.items.length > 0 ? (
        <>
          <StatusSummary monitors={page.items} />
          <TableScroll labelledBy="monitors-caption">
            <table className="table">
              <caption id="monitors-caption">
                Monitors, refreshed every {POLL_INTERVAL_MS / 1000} seconds while this tab is visible
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Target</th>
                  <th scope="col">Interval</th>
                  <th scope="col">Last check</th>
                  <th scope="col" className="num">
                    Latency
                  </th>
                </tr>
              </thead>
              <tbody>
                {byStatus(page.items).map((monitor) => (
                  <tr key={monitor.id}>
                    <th scope="row">
                      <Link href={`/monitors/${encodeURIComponent(monitor.id)}`}>{monitor.name}</Link>
                    </th>
                    <td>
                      <StatusBadge status={monitor.state.status} />
                      {monitor.state.lastError && monitor.state.status !== 'up' ? (
                        <span className="cell-note">{monitor.state.lastError.message}</span>
                      ) : null}
                    </td>
                    <td className="target">{monitorTarget(monitor)}</td>
                    <td>{formatInterval(monitor.intervalSeconds)}</td>
                    <td>
                      <TimeAgo iso={monitor.state.lastCheckedAt} now={now} />
                    </td>
                    <td className="num">{formatLatency(monitor.state.lastLatencyMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {page.nextCursor ? <p className="muted">Showing the first {MONITOR_LIST_LIMIT} monitors.</p> : null}
        </>
      ) : null}
    </>
  );
}
