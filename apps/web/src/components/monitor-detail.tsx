'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { type ReactNode, useEffect, useRef } from 'react';
import { ApiError } from '../lib/api-client';
import type { Channel, Monitor } from '../lib/api-types';
import { opLabels, sourceLabels } from '../lib/assertion-rows';
import { EMPTY, formatDateTime, formatInterval, formatLatency, monitorTarget } from '../lib/format';
import { useChannels } from '../lib/org-queries';
import { useMonitor, useMonitorResults } from '../lib/queries';
import { useNow } from '../lib/use-now';
import { CheckDetails } from './check-details';
import { FailureScreenshot } from './failure-screenshot';
import { HeartbeatUrl } from './heartbeat-url';
import { IncidentsTable } from './incidents-table';
import { LatencyChart } from './latency-chart';
import { ManagedBadge } from './managed-by-code';
import { MonitorActions } from './monitor-actions';
import { NoChannelWarning } from './no-channel-warning';
import { PhaseBreakdown } from './phase-breakdown';
import { ProblemBanner } from './problem-banner';
import { ResultsTable } from './results-table';
import { StatusBadge } from './status-badge';
import { TimeAgo } from './time-ago';
import { UptimeBars } from './uptime-bars';

function describeAssertions(monitor: Monitor): string {
  const rules = monitor.assertions ?? [];
  if (rules.length === 0) return EMPTY;
  return rules
    .map((a) => {
      const value = Array.isArray(a.value) ? a.value.join(a.op === 'between' ? '–' : ', ') : (a.value ?? '');
      return `${sourceLabels[a.source] ?? a.source}${a.path ? ` ${a.path}` : ''} ${opLabels[a.op] ?? a.op} ${String(value)}`.trim();
    })
    .join('; ');
}

function channelNames(ids: string[], channels: Channel[] | undefined): string {
  if (ids.length === 0) return 'none';
  const names = new Map((channels ?? []).map((c) => [c.id, c.name]));
  return ids.map((id) => names.get(id) ?? 'channel').join(', ');
}

function Settings({ monitor, now }: { monitor: Monitor; now: number }) {
  const { state } = monitor;
  const channels = useChannels();
  const rows: [string, ReactNode][] = [
    [
      'Target',
      <span key="target" className="target">
        {monitorTarget(monitor)}
      </span>,
    ],
    ['Type', monitor.type === 'http' ? `HTTP ${monitor.method}` : monitor.type.toUpperCase()],
    ['Interval', formatInterval(monitor.intervalSeconds)],
    ['Timeout', formatLatency(monitor.timeoutMs)],
    ['Assertions', describeAssertions(monitor)],
    ['Down after', `${monitor.failureThreshold} failed checks in a row`],
    ['Up after', `${monitor.recoveryThreshold} good checks in a row`],
    ['Retry interval', formatInterval(monitor.retryIntervalSeconds)],
    ['Regions', monitor.regions.join(', ') || EMPTY],
    ['Tags', monitor.tags.join(', ') || EMPTY],
    ['Channels', channelNames(monitor.channelIds, channels.data?.items)],
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
  const results = useMonitorResults(id);
  const now = useNow(5_000);
  const monitor = query.data;
  const queryClient = useQueryClient();
  const status = monitor?.state.status;
  const lastCheckedAt = monitor?.state.lastCheckedAt;
  // A new check or a state change moves every figure: refetch them with it, not a poll later.
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (status === undefined || lastCheckedAt === undefined) return;
    const key = `${status}@${lastCheckedAt}`;
    const first = seen.current === null;
    seen.current = key;
    if (first) return;
    void queryClient.invalidateQueries({ queryKey: ['monitors', id, 'stats'] });
    void queryClient.invalidateQueries({ queryKey: ['monitors', id, 'results'] });
    void queryClient.invalidateQueries({ queryKey: ['incidents'] });
  }, [queryClient, id, status, lastCheckedAt]);

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
              <StatusBadge status={monitor.state.status} /> <ManagedBadge resource={monitor} />{' '}
              {monitor.state.since ? (
                <span className="muted">
                  since <TimeAgo iso={monitor.state.since} now={now} /> ({formatDateTime(monitor.state.since)}
                  )
                </span>
              ) : null}
            </p>
          </div>
          {monitor.state.lastError && monitor.state.status !== 'up' ? (
            <p className="why">
              <strong>Why:</strong> {monitor.state.lastError.kind}: {monitor.state.lastError.message}
            </p>
          ) : null}
          <MonitorActions monitor={monitor} />
          <HeartbeatUrl monitor={monitor} />
          <NoChannelWarning monitor={monitor} />
        </>
      ) : null}
      <IncidentsTable monitorId={id} />
      <LatencyChart monitorId={id} />
      <UptimeBars monitorId={id} />
      <PhaseBreakdown result={results.data?.items[0]} />
      <CheckDetails result={results.data?.items[0]} />
      <FailureScreenshot monitorId={id} result={results.data?.items[0]} />
      <ResultsTable monitorId={id} />
      {monitor ? (
        <section aria-labelledby="settings-title" className="section">
          <h2 id="settings-title">Settings</h2>
          <Settings monitor={monitor} now={now} />
        </section>
      ) : null}
    </>
  );
}
