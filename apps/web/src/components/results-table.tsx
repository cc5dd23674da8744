'use client';

import type { CheckResultItem } from '../lib/api-types';
import { EMPTY, formatLatency } from '../lib/format';
import { RESULTS_LIMIT, useMonitorResults } from '../lib/queries';
import { useNow } from '../lib/use-now';
import { ProblemBanner } from './problem-banner';
import { OutcomeBadge } from './status-badge';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';

function describeFailure(result: CheckResultItem): string {
  if (result.error) return `${result.error.kind}: ${result.error.message}`;
  if (result.failedAssertions.length > 0) {
    return result.failedAssertions
      .map(
        (a) =>
          `${a.source}${a.path ? ` ${a.path}` : ''} ${a.op} ${JSON.stringify(a.expected)}, got ${JSON.stringify(a.actual)}`,
      )
      .join('; ');
  }
  return EMPTY;
}

export function ResultsTable({ monitorId }: { monitorId: string }) {
  const results = useMonitorResults(monitorId);
  const now = useNow(5_000);
  const items = results.data?.items;

  return (
    <section aria-labelledby="results-title" className="section">
      <h2 id="results-title">Recent checks</h2>
      {results.error ? <ProblemBanner error={results.error} onRetry={() => void results.refetch()} /> : null}
      {results.isPending ? (
        <p className="loading" role="status">
          Loading checks…
        </p>
      ) : null}
      {items && items.length === 0 ? (
        <p className="empty empty--inline">No checks yet. The first result appears within one interval.</p>
      ) : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="results-caption">
          <table className="table table--cards">
            <caption id="results-caption">The last {RESULTS_LIMIT} checks, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Checked</th>
                <th scope="col">Result</th>
                <th scope="col">Region</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  HTTP
                </th>
                <th scope="col" className="num">
                  Latency
                </th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((result) => (
                <tr key={`${result.scheduledAt}-${result.region}-${result.kind}`}>
                  <td data-label="Checked">
                    <TimeAgo iso={result.checkedAt} now={now} />
                  </td>
                  <td data-label="Result">
                    <OutcomeBadge ok={result.ok} />
                  </td>
                  <td data-label="Region">{result.region}</td>
                  <td data-label="Kind">
                    {result.kind === 'confirmation' ? 'Confirmation' : 'Scheduled'}
                    {result.late ? (
                      <span
                        className="muted"
                        title="Arrived after its slot was judged without it; counted, not judged"
                      >
                        {' '}
                        · late
                      </span>
                    ) : null}
                  </td>
                  <td className="num" data-label="HTTP">
                    {result.statusCode ?? EMPTY}
                  </td>
                  <td className="num" data-label="Latency">
                    {formatLatency(result.latencyMs)}
                  </td>
                  {result.ok ? (
                    <td className="details details--none" data-label="Details">
                      {EMPTY}
                    </td>
                  ) : (
                    <td className="details" data-label="Details">
                      {describeFailure(result)}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}
