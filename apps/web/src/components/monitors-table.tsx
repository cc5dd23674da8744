'use client';

import type { MonitorStatus } from '@sentinelmesh/core';
import Link from 'next/link';
import { memo } from 'react';
import type { Monitor } from '../lib/api-types';
import { formatInterval, monitorTarget } from '../lib/format';
import { POLL_INTERVAL_MS } from '../lib/queries';
import { LatencyCell, UptimeCells } from './monitor-row-stats';
import { StatusBadge } from './status-badge';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';

export type SortKey = 'status' | 'name' | 'latency' | 'checked' | 'created';

/** Trouble first: a down monitor should never be below the fold. */
const statusOrder: MonitorStatus[] = ['down', 'flapping', 'pending', 'maintenance', 'paused', 'up'];
const rank = (m: Monitor) => {
  const index = statusOrder.indexOf(m.state.status);
  return index === -1 ? statusOrder.length : index;
};
const time = (iso: string | null) => (iso ? Date.parse(iso) : 0);

const comparators: Record<SortKey, (a: Monitor, b: Monitor) => number> = {
  status: (a, b) => rank(a) - rank(b),
  name: (a, b) => a.name.localeCompare(b.name),
  latency: (a, b) => (b.state.lastLatencyMs ?? -1) - (a.state.lastLatencyMs ?? -1),
  checked: (a, b) => time(a.state.lastCheckedAt) - time(b.state.lastCheckedAt),
  created: () => 0,
};

export function sortMonitors(monitors: Monitor[], key: SortKey): Monitor[] {
  const compare = comparators[key];
  return monitors
    .map((m, i) => ({ m, i }))
    .sort((a, b) => compare(a.m, b.m) || a.i - b.i)
    .map(({ m }) => m);
}

const Row = memo(function Row({ monitor, now }: { monitor: Monitor; now: number }) {
  const { state } = monitor;
  return (
    <tr>
      <th scope="row">
        <Link href={`/monitors/${encodeURIComponent(monitor.id)}`}>{monitor.name}</Link>
        <span className="cell-note target">{monitorTarget(monitor)}</span>
        {monitor.tags.length > 0 ? <span className="cell-note">{monitor.tags.join(', ')}</span> : null}
      </th>
      <td data-label="Status">
        <StatusBadge status={state.status} />
        {state.since ? (
          <span className="cell-note">
            since <TimeAgo iso={state.since} now={now} />
          </span>
        ) : null}
        {state.lastError && state.status !== 'up' ? (
          <span className="cell-note">{state.lastError.message}</span>
        ) : null}
      </td>
      <UptimeCells monitorId={monitor.id} />
      <LatencyCell monitorId={monitor.id} latencyMs={state.lastLatencyMs} />
      <td data-label="Last check">
        <TimeAgo iso={state.lastCheckedAt} now={now} />
        <span className="cell-note">every {formatInterval(monitor.intervalSeconds)}</span>
      </td>
    </tr>
  );
});

export function MonitorsTable({
  monitors,
  sort,
  now,
  stale,
}: {
  monitors: Monitor[];
  sort: SortKey;
  now: number;
  stale: boolean;
}) {
  return (
    <TableScroll labelledBy="monitors-caption">
      <table
        className={stale ? 'table monitors-table table--stale' : 'table monitors-table'}
        aria-busy={stale || undefined}
      >
        <caption id="monitors-caption">
          Monitors, refreshed every {POLL_INTERVAL_MS / 1000} seconds while this tab is visible
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Uptime <span className="muted">24 h · 7 d · 30 d</span>
            </th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">Last check</th>
          </tr>
        </thead>
        <tbody>
          {sortMonitors(monitors, sort).map((monitor) => (
            <Row key={monitor.id} monitor={monitor} now={now} />
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
