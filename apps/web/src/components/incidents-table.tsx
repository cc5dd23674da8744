'use client';

import Link from 'next/link';
import type { Incident } from '../lib/api-types';
import { EMPTY, formatDuration } from '../lib/format';
import { useAcknowledgeIncident, useIncidents } from '../lib/queries';
import { useNow } from '../lib/use-now';
import { ProblemBanner } from './problem-banner';
import { OutcomeBadge } from './status-badge';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';

/** Open incidents first, then newest first. */
export function orderIncidents(items: Incident[]): Incident[] {
  return [...items].sort(
    (a, b) =>
      Number(b.status === 'open') - Number(a.status === 'open') ||
      Date.parse(b.openedAt) - Date.parse(a.openedAt),
  );
}

export function IncidentsTable({
  monitorId,
  monitorNames,
  title = 'Incidents',
  headingLevel = 2,
}: {
  monitorId?: string;
  monitorNames?: Map<string, string>;
  title?: string;
  headingLevel?: 1 | 2;
}) {
  const incidents = useIncidents(monitorId ? { monitorId } : {});
  const acknowledge = useAcknowledgeIncident();
  const now = useNow(5_000);
  const items = incidents.data ? orderIncidents(incidents.data.items) : undefined;
  const Heading = headingLevel === 1 ? 'h1' : 'h2';

  return (
    <section aria-labelledby="incidents-title" className="section">
      <Heading id="incidents-title">{title}</Heading>
      {incidents.error ? (
        <ProblemBanner error={incidents.error} onRetry={() => void incidents.refetch()} />
      ) : null}
      {acknowledge.error ? <ProblemBanner error={acknowledge.error} /> : null}
      {incidents.isPending ? (
        <p className="loading" role="status">
          Loading incidents…
        </p>
      ) : null}
      {items && items.length === 0 ? (
        <p className="empty empty--inline">No incidents{monitorId ? ' for this monitor' : ''}. All quiet.</p>
      ) : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="incidents-caption">
          <table className="table incidents-table">
            <caption id="incidents-caption">Incidents, open first, then newest first</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                {monitorId ? null : <th scope="col">Monitor</th>}
                <th scope="col">Opened</th>
                <th scope="col">Duration</th>
                <th scope="col">Cause</th>
                <th scope="col">Acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {items.map((incident) => {
                const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now;
                return (
                  <tr key={incident.id}>
                    <td data-label="Status">
                      <OutcomeBadge
                        ok={incident.status === 'resolved'}
                        label={incident.status === 'open' ? 'Open' : 'Resolved'}
                      />
                    </td>
                    {monitorId ? null : (
                      <td data-label="Monitor">
                        <Link href={`/monitors/${encodeURIComponent(incident.monitorId)}`}>
                          {monitorNames?.get(incident.monitorId) ?? 'Monitor'}
                        </Link>
                      </td>
                    )}
                    <td data-label="Opened">
                      <Link href={`/incidents/${encodeURIComponent(incident.id)}`} className="incident-link">
                        <TimeAgo iso={incident.openedAt} now={now} />
                      </Link>
                    </td>
                    <td data-label="Duration">
                      {formatDuration(end - Date.parse(incident.openedAt))}
                      {incident.status === 'open' ? ' so far' : ''}
                    </td>
                    <td className="details" data-label="Cause">
                      {incident.cause ?? EMPTY}
                    </td>
                    <td data-label="Acknowledged">
                      {incident.acknowledgedAt ? (
                        <TimeAgo iso={incident.acknowledgedAt} now={now} />
                      ) : incident.status === 'open' ? (
                        <button
                          type="button"
                          className="button button--small"
                          disabled={acknowledge.isPending}
                          onClick={() => acknowledge.mutate(incident.id)}
                        >
                          Acknowledge
                        </button>
                      ) : (
                        EMPTY
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}
