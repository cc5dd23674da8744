'use client';

import { hasRole, type MonitorStatus, monitorStatuses, monitorTypes } from '@sentinelmesh/core';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Monitor, Page } from '../lib/api-types';
import { useAuth } from '../lib/auth';
import { formatDateTime, statusLabels } from '../lib/format';
import { emptyFilters, filtersFromSearch, type ListFilters, searchWithFilters } from '../lib/monitor-list';
import { useRecentChecks } from '../lib/monitor-list-queries';
import { typeSpec } from '../lib/monitor-types';
import { type MonitorFilters, useApiQuery, useMonitorList } from '../lib/queries';
import { useDebounced } from '../lib/use-debounced';
import { useNow } from '../lib/use-now';
import { useSearchState } from '../lib/use-query-param';
import { BulkBar } from './bulk-bar';
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

const sortKeys: SortKey[] = ['status', 'name', 'latency', 'checked', 'created'];

export function MonitorsOverview() {
  const { state } = useAuth();
  const role = state.status === 'signed-in' ? state.role : null;
  const canWrite = role === null || hasRole(role, 'member');
  const [filters, setFilters, reads] = useSearchState<ListFilters>(
    filtersFromSearch,
    searchWithFilters,
    emptyFilters,
  );
  const set = (patch: Partial<ListFilters>) => setFilters({ ...filters, ...patch });
  // Typing is kept here and reaches the address (and the API) once it pauses.
  const [search, setSearch] = useState('');
  const [tagText, setTagText] = useState('');
  const ready = reads > 0;
  // The address speaks (first read, back/forward): the inputs show what it says.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a read of the address, not typing, resets the inputs
  useEffect(() => {
    if (reads === 0) return;
    setSearch(filters.q);
    setTagText(filters.tag);
  }, [reads]);
  const q = useDebounced(search.trim(), 250);
  const tag = useDebounced(tagText.trim(), 250);
  // Only a change of the debounced text moves the filters, not its lag behind a tag click or the address.
  const pushed = useRef({ q: '', tag: '' });
  useEffect(() => {
    if (!ready) return;
    const previous = pushed.current;
    pushed.current = { q, tag };
    if (q === previous.q && tag === previous.tag) return;
    if (q !== filters.q || tag !== filters.tag) setFilters({ ...filters, q, tag });
  }, [ready, q, tag, filters, setFilters]);
  const sort: SortKey = sortKeys.includes(filters.sort as SortKey) ? (filters.sort as SortKey) : 'status';
  const apiFilters: MonitorFilters & { type?: string } = useMemo(
    () => ({
      status: filters.status || undefined,
      type: filters.type || undefined,
      tag: filters.tag || undefined,
      q: filters.q || undefined,
    }),
    [filters.status, filters.type, filters.tag, filters.q],
  );
  // Filters come from the address: nothing is fetched before it has been read.
  const list = useMonitorList(apiFilters, { enabled: ready });
  const now = useNow(5_000);
  const monitors = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const ids = useMemo(() => monitors.map((m) => m.id), [monitors]);
  const recent = useRecentChecks(ids);
  const recentById = useMemo(
    () => new Map((recent.data?.items ?? []).map((item) => [item.monitorId, item])),
    [recent.data],
  );
  const filtering = Boolean(apiFilters.status || apiFilters.type || apiFilters.tag || apiFilters.q);

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // Only what is shown can stay selected: a filter change drops the rest.
  useEffect(() => {
    setSelected((current) => {
      const shown = new Set(ids);
      const kept = [...current].filter((id) => shown.has(id));
      return kept.length === current.size ? current : new Set(kept);
    });
  }, [ids]);
  const onSelect = useCallback((id: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const onSelectAll = useCallback((on: boolean) => setSelected(on ? new Set(ids) : new Set()), [ids]);
  const onTag = useCallback(
    (value: string) => {
      setTagText(value);
      setFilters({ ...filters, tag: value });
    },
    [filters, setFilters],
  );

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
          <select id="filter-status" value={filters.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any status</option>
            {monitorStatuses.map((s: MonitorStatus) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-type">Type</label>
          <select id="filter-type" value={filters.type} onChange={(e) => set({ type: e.target.value })}>
            <option value="">Any type</option>
            {monitorTypes.map((t) => (
              <option key={t} value={t}>
                {typeSpec(t).label}
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
            value={tagText}
            onChange={(e) => setTagText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="sort">Sort by</label>
          <select id="sort" value={sort} onChange={(e) => set({ sort: e.target.value })}>
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
          {canWrite ? (
            <BulkBar monitors={monitors} selected={selected} onDone={() => setSelected(new Set())} />
          ) : null}
          <MonitorsTable
            monitors={monitors}
            sort={sort}
            now={now}
            stale={list.isPlaceholderData}
            recent={recentById}
            selected={selected}
            onSelect={onSelect}
            onSelectAll={onSelectAll}
            tag={filters.tag}
            onTag={onTag}
            canWrite={canWrite}
          />
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
