'use client';

import type { MonitorStatus } from '@sentinelmesh/core';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { memo } from 'react';
import type { Monitor } from '../lib/api-types';
import { formatInterval, monitorTarget } from '../lib/format';
import { type RecentChecksItem, useCloneMonitor } from '../lib/monitor-list-queries';
import { POLL_INTERVAL_MS } from '../lib/queries';
import { CheckNowButton } from './check-now';
import { LatencyCell, UptimeCells } from './monitor-row-stats';
import { ProblemBanner } from './problem-banner';
import { CertExpiry, RecentChecksBar } from './recent-checks-bar';
import { RowAction } from './row-action';
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

/** A monitor's tags as buttons: each one filters the list by that tag. */
function Tags({ tags, active, onTag }: { tags: string[]; active: string; onTag: (tag: string) => void }) {
  if (tags.length === 0) return null;
  return (
    <span className="tag-list">
      {tags.map((tag) => (
        <button
          key={tag}
          type="button"
          className="tag-button"
          aria-pressed={tag === active}
          onClick={() => onTag(tag === active ? '' : tag)}
        >
          <span className="visually-hidden">Show monitors tagged </span>
          {tag}
        </button>
      ))}
    </span>
  );
}

function CloneButton({ monitor }: { monitor: Monitor }) {
  const router = useRouter();
  const clone = useCloneMonitor();
  return (
    <>
      <RowAction
        label={clone.isPending ? 'Cloning…' : 'Clone'}
        item={monitor.name}
        onClick={() =>
          clone.mutate(monitor.id, {
            onSuccess: (copy) => router.push(`/monitors/${encodeURIComponent(copy.id)}/edit`),
          })
        }
      />
      {clone.error ? <ProblemBanner error={clone.error} /> : null}
    </>
  );
}

interface RowProps {
  monitor: Monitor;
  now: number;
  recent: RecentChecksItem | undefined;
  selected: boolean;
  onSelect: (id: string, selected: boolean) => void;
  tag: string;
  onTag: (tag: string) => void;
  canWrite: boolean;
}

const Row = memo(function Row({ monitor, now, recent, selected, onSelect, tag, onTag, canWrite }: RowProps) {
  const { state } = monitor;
  return (
    <tr>
      {canWrite ? (
        <td className="select-cell">
          <input
            type="checkbox"
            id={`select-${monitor.id}`}
            checked={selected}
            onChange={(e) => onSelect(monitor.id, e.target.checked)}
          />
          <label className="visually-hidden" htmlFor={`select-${monitor.id}`}>
            Select {monitor.name}
          </label>
        </td>
      ) : null}
      <th scope="row">
        <Link href={`/monitors/${encodeURIComponent(monitor.id)}`}>{monitor.name}</Link>
        <span className="cell-note target">{monitorTarget(monitor)}</span>
        <Tags tags={monitor.tags} active={tag} onTag={onTag} />
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
        <CertExpiry expiresAt={recent?.certExpiresAt} now={now} />
      </td>
      <td data-label="Recent checks" className="recent-checks-cell">
        <RecentChecksBar item={recent} name={monitor.name} />
      </td>
      <UptimeCells monitorId={monitor.id} />
      <LatencyCell monitorId={monitor.id} latencyMs={state.lastLatencyMs} />
      <td data-label="Last check">
        <TimeAgo iso={state.lastCheckedAt} now={now} />
        <span className="cell-note">every {formatInterval(monitor.intervalSeconds)}</span>
      </td>
      {canWrite ? (
        <td className="row-actions-cell">
          <div className="row-actions">
            <CheckNowButton monitor={monitor} small />
            <CloneButton monitor={monitor} />
          </div>
        </td>
      ) : null}
    </tr>
  );
});

export interface MonitorsTableProps {
  monitors: Monitor[];
  sort: SortKey;
  now: number;
  stale: boolean;
  recent: ReadonlyMap<string, RecentChecksItem>;
  selected: ReadonlySet<string>;
  onSelect: (id: string, selected: boolean) => void;
  onSelectAll: (selected: boolean) => void;
  tag: string;
  onTag: (tag: string) => void;
  canWrite: boolean;
}

export function MonitorsTable(props: MonitorsTableProps) {
  const { monitors, sort, now, stale, recent, selected, canWrite } = props;
  const allSelected = monitors.length > 0 && monitors.every((m) => selected.has(m.id));
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
            {canWrite ? (
              <th scope="col" className="select-cell">
                <input
                  type="checkbox"
                  id="select-all"
                  checked={allSelected}
                  onChange={(e) => props.onSelectAll(e.target.checked)}
                />
                <label className="visually-hidden" htmlFor="select-all">
                  Select all monitors shown
                </label>
              </th>
            ) : null}
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Recent checks</th>
            <th scope="col" className="num">
              Uptime <span className="muted">24 h · 7 d · 30 d</span>
            </th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">Last check</th>
            {canWrite ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {sortMonitors(monitors, sort).map((monitor) => (
            <Row
              key={monitor.id}
              monitor={monitor}
              now={now}
              recent={recent.get(monitor.id)}
              selected={selected.has(monitor.id)}
              onSelect={props.onSelect}
              tag={props.tag}
              onTag={props.onTag}
              canWrite={canWrite}
            />
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
