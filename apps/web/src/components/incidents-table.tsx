'use client';

import { EMPTY, formatDuration } from '../lib/format';
import { useMonitorIncidents } from '../lib/queries';
import { useNow } from '../lib/use-now';
import { ProblemBanner } from './problem-banner';
import { OutcomeBadge } from './status-badge';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';

export function IncidentsTable({ monitorId }: { monitorId: string }) {
  const incidents = useMonitorIncidents(monitorId);
  const now = useNow(5_000);
  const items = incidents.data?.items;

  return (
    <section aria-labelledby="incidents-title" className="section">
      <h2 id="incidents-title">Incidents</h2>
      {incidents.error ? (
        <ProblemBanner error={incidents.error} onRetry={() => void incidents.refetch()} />
      ) : null}
      {incidents.isPending ? (
        <p className="loading" role="status">
          Loading incidents…
        </p>
      ) : null}
      {items && items.length === 0 ? (
        <p className="empty empty--inline">No incidents for this monitor.</p>
      ) : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="incidents-caption">
          <table className="table">
            <caption id="incidents-caption">Incidents, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Opened</th>
                <th scope="col">Resolved</th>
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
                    <td>
                      <OutcomeBadge
                        ok={incident.status === 'resolved'}
                        label={incident.status === 'open' ? 'Open' : 'Resolved'}
                      />
                    </td>
                    <td>
                      <TimeAgo iso={incident.openedAt} now={now} />
                    </td>
                    <td>
                      <TimeAgo iso={incident.resolvedAt} now={now} />
                    </td>
                    <td>{formatDuration(end - Date.parse(incident.openedAt))}</td>
                    <td className="details">{incident.cause ?? EMPTY}</td>
                    <td>
                      <TimeAgo iso={incident.acknowledgedAt} now={now} />
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
