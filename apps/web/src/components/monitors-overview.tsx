'use client';

import { type MonitorStatus, monitorStatuses } from '@sentinelmesh/core';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import type { Monitor, Page } from '../lib/api-types';
import { formatDateTime, statusLabels } from '../lib/format';
import { type MonitorFilters, useApiQuery, useMonitorList } from '../lib/queries';
import { useDebounced } from '../lib/use-debounced';
import { useNow } from '../lib/use-now';
import { MonitorsTable, type SortKey } from './monitors-table';
import { ProblemBanner } from './problem-banner';

function DownNow() {
  const down = useApiQuery<Page<Monitor>>(
    ['monitors', 'list', { status: 'down', limit: 20 }],
    '/v1/monitors',
    {
      status: 'down',
      limit: 20,
    },
  );
  const items = down.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="banner banner--down" role="status">
      <p>
        <strong>
          {items.length}
          {down.data?.nextCursor ? '+' : ''} down:
        </strong>{' '}
        {items.map((m, i) => (
          <span key={m.id}>
            {i > 0 ? ', ' : ''}
            <Link href={`/monitors/${encodeURIComponent(m.id)}`}>{m.name}</Link>
          </span>
        ))}
      </p>
    </div>
  );
}

export function MonitorsOverview() {
  const [status, setStatus] = useState('');
  const [tag, setTag] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortKey>('status');
  const q = useDebounced(search.trim(), 250);
  const deferredTag = useDebounced(tag.trim(), 250);
  const filters: MonitorFilters = useMemo(
    () => ({ status: status || undefined, tag: deferredTag || undefined, q: q || undefined }),
    [status, deferredTag, q],
  );
  const list = useMonitorList(filters);
  const now = useNow(5_000);
  const monitors = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const filtering = Boolean(filters.status || filters.tag || filters.q);

  return (
    <>
      <div className="page-header">
        <h1>Monitors</h1>
        <Link href="/monitors/new" className="button">
          New monitor
        </Link>
      </div>
      <DownNow />

      <search className="filters" aria-label="Filter monitors">
        <div className="field">
          <label htmlFor="filter-q">Search</label>
          <input
            id="filter-q"
            type="search"
            placeholder="Name, URL or host"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            {monitorStatuses.map((s: MonitorStatus) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-tag">Tag</label>
          <input
            id="filter-tag"
            type="text"
            placeholder="prod"
            value={tag}
            onChange={(e) => setTag(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="sort">Sort by</label>
          <select id="sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="status">Trouble first</option>
            <option value="name">Name</option>
            <option value="latency">Latency, slowest first</option>
            <option value="checked">Last check, oldest first</option>
            <option value="created">Newest first</option>
          </select>
        </div>
      </search>

      {list.error ? (
        <ProblemBanner
          error={list.error}
          note={list.data ? `Showing the list as of ${formatDateTime(list.dataUpdatedAt)}.` : undefined}
          onRetry={() => void list.refetch()}
        />
      ) : null}
      {list.isPending ? (
        <p className="loading" role="status">
          Loading monitors…
        </p>
      ) : null}

      {list.data && monitors.length === 0 && !filtering ? (
        <div className="empty">
          <h2>No monitors yet</h2>
          <p>
            A monitor checks a URL, port, DNS record or certificate on a schedule and tells you when it fails.
          </p>
          <Link href="/monitors/new" className="button">
            Create your first monitor
          </Link>
        </div>
      ) : null}
      {list.data && monitors.length === 0 && filtering ? (
        <p className="empty empty--inline" role="status">
          No monitor matches these filters.
        </p>
      ) : null}

      {monitors.length > 0 ? (
        <>
          <MonitorsTable monitors={monitors} sort={sort} now={now} stale={list.isPlaceholderData} />
          <p className="muted" role="status">
            Showing {monitors.length} monitor{monitors.length === 1 ? '' : 's'}
            {list.hasNextPage ? '; more match' : ''}. Sorting applies to the monitors shown.
          </p>
          {list.hasNextPage ? (
            <button
              type="button"
              className="button button--secondary"
              disabled={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
        </>
      ) : null}
    </>
  );
}
