'use client';

import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../lib/api-client';
import type { PublicStatusMonitor, PublicStatusPage as PublicStatusPageData } from '../lib/api-types';
import { formatPercent } from '../lib/format';
import { fetchPublicStatusPage } from '../lib/org-queries';
import { polling } from '../lib/queries';
import { ProblemBanner } from './problem-banner';
import { StatusPageBrandingHeader, StatusPageFooter } from './status-page-branding';
import { ShownStateBadge, StatusPageComponents } from './status-page-components';
import { StatusPageIncidents } from './status-page-incidents';
import { StatusPageMaintenance } from './status-page-maintenance';
import { DayBars } from './uptime-bars';

const date = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });

/** The API's figure over the 90 days, which counts only time with data: say which time that is. */
function overall(m: PublicStatusMonitor): string {
  if (m.uptimePercent === null || m.dataSince === null) return 'No data yet';
  const first = m.uptime90d[0];
  const sinceStart = first !== undefined && Date.parse(m.dataSince) <= Date.parse(first.date);
  return sinceStart
    ? `${formatPercent(m.uptimePercent)} uptime over the last 90 days`
    : `${formatPercent(m.uptimePercent)} uptime since ${date.format(Date.parse(m.dataSince))}`;
}

/** Anyone may read it: no session, polled like the dashboard. */
export function PublicStatusPage({
  slug,
  initial,
  initialAt,
}: {
  slug: string;
  initial?: PublicStatusPageData | undefined;
  /** When the server read `initial` (epoch ms): a page kept by the cache is read again at once once stale. */
  initialAt?: number | undefined;
}) {
  const page = useQuery({
    queryKey: ['public-status', slug],
    queryFn: () => fetchPublicStatusPage(slug),
    initialData: initial,
    ...(initial && initialAt !== undefined ? { initialDataUpdatedAt: initialAt } : {}),
    ...polling,
  });
  if (page.error instanceof ApiError && page.error.status === 404) {
    return (
      <div className="empty">
        <h1>Status page not found</h1>
        <p>Check the address.</p>
      </div>
    );
  }
  const data = page.data;
  const summary = {
    operational: ['banner banner--success', 'All systems operational.'],
    degraded: ['banner banner--warning', 'Some systems are degraded.'],
    down: ['banner banner--down', 'Some systems are down.'],
  } as const;
  const [bannerClass, bannerText] = data ? (summary[data.status] ?? summary.degraded) : ['', ''];
  return (
    <>
      <StatusPageBrandingHeader branding={data?.branding} title={data?.title ?? 'Status'} />
      <h1>{data?.title ?? 'Status'}</h1>
      {page.error ? <ProblemBanner error={page.error} onRetry={() => void page.refetch()} /> : null}
      {page.isPending ? (
        <p className="loading" role="status">
          Loading status…
        </p>
      ) : null}
      {data ? (
        <p className={bannerClass} role="status">
          {bannerText}
        </p>
      ) : null}
      <StatusPageIncidents incidents={data?.incidents} components={data?.components} />
      {data ? <StatusPageMaintenance page={data} /> : null}
      <StatusPageComponents components={data?.components} />
      <ul className="status-list">
        {data?.monitors
          .filter((m) => !data.components?.some((c) => c.monitors.some((cm) => cm.id === m.id)))
          .map((m) => (
            <li key={m.id} className="card">
              <div className="status-list__head">
                <h2>{m.name}</h2>
                <ShownStateBadge state={m.state} />
              </div>
              <p className="muted" data-testid="overall-uptime">
                {overall(m)}
              </p>
              <DayBars days={m.uptime90d} />
            </li>
          ))}
      </ul>
      <StatusPageFooter branding={data?.branding} />
    </>
  );
}
