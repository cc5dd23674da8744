'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { ApiError } from '../lib/api-client';
import type { Monitor } from '../lib/api-types';
import { EMPTY, formatDateTime, formatInterval, formatLatency, monitorTarget } from '../lib/format';
import { useMonitor } from '../lib/queries';
import { useNow } from '../lib/use-now';
import { IncidentsTable } from './incidents-table';
import { ProblemBanner } from './problem-banner';
import { ResultsTable } from './results-table';
import { StatusBadge } from './status-badge';
import { TimeAgo } from './time-ago';

function expectedStatus(monitor: Monitor): string {
  if (monitor.type !== 'http') return EMPTY;
  const status = monitor.assertions.find((a) => a.source === 'status' && a.op === 'between');
  return Array.isArray(status?.value) ? status.value.join('–') : EMPTY;
}

function Settings({ monitor, now }: { monitor: Monitor; now: number }) {
  const { state } = monitor;
  const rows: [string, ReactNode][] = [
    [
      'Target',
      <span key="target" className="target">
        {monitorTarget(monitor)}
      </span>,
    ],
    ['Type', monitor.type === 'http' ? `HTTP ${monitor.method}` : 'TCP'],
    ['Interval', formatInterval(monitor.intervalSeconds)],
    ['Timeout', formatLatency(monitor.timeoutMs)],
    ['Expected status', expectedStatus(monitor)],
    ['Failure threshold', `${monitor.failureThreshold} checks`],
    ['Retry interval', formatInterval(monitor.retryIntervalSeconds)],
    ['Regions', monitor.regions.join(', ') || EMPTY],
    ['Last check', <TimeAgo key="last-check" iso={state.lastCheckedAt} now={now} />],
    ['Last latency', formatLatency(state.lastLatencyMs)],
    ['Last error', state.lastError ? `${state.lastError.kind}: ${state.lastError.message}` : EMPTY],
  ];
  return (
    <dl className="settings">
      {rows.map(([term, value]) => (
        <div key={term} className="settings__row">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function MonitorDetail({ id }: { id: string }) {
  const query = useMonitor(id);
  const now = useNow(5_000);
  const monitor = query.data;

  if (query.error instanceof ApiError && query.error.status === 404) {
    return (
      <div className="empty">
        <h1>Monitor not found</h1>
        <p>It may have been deleted, or it belongs to another organization.</p>
        <Link href="/" className="button">
          Back to monitors
        </Link>
      </div>
    );
  }

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Monitors</Link> <span aria-hidden="true">/</span>{' '}
        <span>{monitor?.name ?? 'Monitor'}</span>
      </nav>
      {query.error ? (
        <ProblemBanner
          error={query.error}
          note={monitor ? `Showing the monitor as of ${formatDateTime(query.dataUpdatedAt)}.` : undefined}
          onRetry={() => void query.refetch()}
        />
      ) : null}
      {query.isPending ? (
        <p className="loading" role="status">
          Loading monitor…
        </p>
      ) : null}
      {monitor ? (
        <>
          <div className="page-header">
            <h1>{monitor.name}</h1>
            <p className="page-header__status">
              <StatusBadge status={monitor.state.status} />{' '}
              {monitor.state.since ? (
                <span className="muted">
                  since <TimeAgo iso={monitor.state.since} now={now} /> ({formatDateTime(monitor.state.since)}
                  )
                </span>
              ) : null}
            </p>
          </div>
          <Settings monitor={monitor} now={now} />
        </>
      ) : null}
      <ResultsTable monitorId={id} />
      <IncidentsTable monitorId={id} />
    </>
  );
}
