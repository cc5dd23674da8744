'use client';

import { useState } from 'react';
import { describeError } from '../lib/api-client';
import { useAuth } from '../lib/auth';
import {
  lastMonth,
  type ReportSubject,
  reportPath,
  useGroupReport,
  useReportableComponents,
} from '../lib/report-queries';
import { ProblemBanner } from './problem-banner';
import { figure, saveBlob } from './report-download';
import { ReportEmails } from './report-emails';
import { TableScroll } from './table-scroll';

/** SLA reports of the organization or a status page component for a month: figures, CSV and PDF. */
export function ReportsPage() {
  const { state, session } = useAuth();
  const role = state.status === 'signed-in' ? state.role : null;
  const components = useReportableComponents();
  const [subjectId, setSubjectId] = useState('organization');
  const [month, setMonth] = useState(lastMonth);
  const [downloading, setDownloading] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const component = components.data?.items.find((c) => c.id === subjectId);
  const subject: ReportSubject = component ? { scope: 'component', component } : { scope: 'organization' };
  const report = useGroupReport(subject, month);
  const r = report.data;

  async function download(format: 'csv' | 'pdf') {
    setDownloading(format);
    setDownloadError(null);
    try {
      const blob = await session.request<Blob>(reportPath(subject), { query: { month, format }, as: 'blob' });
      const name = component ? `component-${component.name}` : 'organization';
      saveBlob(blob, `sla-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}-${month}.${format}`);
    } catch (error) {
      setDownloadError(describeError(error));
    } finally {
      setDownloading(null);
    }
  }

  return (
    <>
      <div className="page-header">
        <h1>Reports</h1>
      </div>
      <section className="card form" aria-labelledby="report-pick-title">
        <h2 id="report-pick-title">SLA report</h2>
        <p className="field__hint">
          Uptime leaves maintenance out. A component or the organization counts as down while any of its
          monitors is down.
        </p>
        {components.error ? <ProblemBanner error={components.error} /> : null}
        <div className="form__row">
          <div className="field">
            <label htmlFor="report-subject">Report on</label>
            <select id="report-subject" value={subjectId} onChange={(e) => setSubjectId(e.target.value)}>
              <option value="organization">The whole organization</option>
              {(components.data?.items ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.statusPage})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="report-month">Month (UTC)</label>
            <input
              id="report-month"
              type="month"
              value={month}
              max={new Date().toISOString().slice(0, 7)}
              onChange={(e) => setMonth(e.target.value)}
            />
          </div>
        </div>
        <div className="form__actions">
          <button
            type="button"
            className="button"
            disabled={downloading !== null}
            onClick={() => void download('csv')}
          >
            {downloading === 'csv' ? 'Preparing CSV…' : 'Download CSV'}
          </button>
          <button
            type="button"
            className="button button--secondary"
            disabled={downloading !== null}
            onClick={() => void download('pdf')}
          >
            {downloading === 'pdf' ? 'Preparing PDF…' : 'Download PDF'}
          </button>
        </div>
        {downloadError ? (
          <p className="banner banner--error" role="alert">
            {downloadError}
          </p>
        ) : null}
      </section>
      {report.error ? <ProblemBanner error={report.error} onRetry={() => void report.refetch()} /> : null}
      {report.isFetching && !r ? (
        <p className="loading" role="status">
          Loading the report…
        </p>
      ) : null}
      {r ? (
        <section className="section" aria-labelledby="report-figures-title">
          <h2 id="report-figures-title">
            {r.subject.name}, {month}
          </h2>
          <ul className="summary" aria-label="Figures of the month">
            <li className="summary__item">Uptime {figure(r.uptimePercent, '%')}</li>
            <li className="summary__item">Downtime {figure(r.downtimeSeconds, 's')}</li>
            <li className="summary__item">Incidents {r.incidents.length}</li>
            <li className="summary__item">MTTR {figure(r.mttrSeconds, 's')}</li>
            <li className="summary__item">
              Latency p50 / p95 / p99 {figure(r.latencyMs.p50, 'ms')} / {figure(r.latencyMs.p95, 'ms')} /{' '}
              {figure(r.latencyMs.p99, 'ms')}
            </li>
          </ul>
          {r.monitors.length === 0 ? (
            <p className="empty empty--inline">No monitors in this report.</p>
          ) : null}
          {r.monitors.length > 0 ? (
            <TableScroll labelledBy="report-monitors-caption">
              <table className="table">
                <caption id="report-monitors-caption">Monitors</caption>
                <thead>
                  <tr>
                    <th scope="col">Monitor</th>
                    <th scope="col" className="num">
                      Uptime
                    </th>
                    <th scope="col" className="num">
                      Downtime
                    </th>
                    <th scope="col" className="num">
                      Incidents
                    </th>
                    <th scope="col" className="num">
                      p95
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.monitors.map((m) => (
                    <tr key={m.id}>
                      <th scope="row">{m.name}</th>
                      <td className="num">{figure(m.uptimePercent, '%')}</td>
                      <td className="num">{figure(m.downtimeSeconds, 's')}</td>
                      <td className="num">{m.incidents}</td>
                      <td className="num">{figure(m.latencyMs.p95, 'ms')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : null}
        </section>
      ) : null}
      {role === 'admin' || role === 'owner' ? (
        <ReportEmails components={components.data?.items ?? []} />
      ) : (
        <p className="field__hint">Admins can have these reports emailed every month.</p>
      )}
    </>
  );
}
