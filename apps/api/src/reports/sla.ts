import { csvRecord } from './csv';
import { pdfBuffer, pdfHeading, pdfTable } from './pdf';

/** The figures every SLA report gives for its range. */
export interface SlaFigures {
  from: string;
  to: string;
  uptimePercent: number | null;
  checks: number;
  failedChecks: number;
  downtimeSeconds: number;
  measuredSeconds: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
}

/** What a report takes from the stats API's answer for the same range (never computed again here). */
export interface StatsForReport extends SlaFigures {
  incidentSpans: Array<{ id: string; openedAt: string; resolvedAt: string | null }>;
}

export interface SlaReport extends Omit<StatsForReport, 'incidentSpans'> {
  monitor: { id: string; name: string };
  /** Mean duration of the incidents of the range that are resolved; null without one. */
  mttrSeconds: number | null;
  incidents: Array<{ id: string; openedAt: string; resolvedAt: string | null; durationSeconds: number }>;
}

/** Mean duration of the resolved incidents (MTTR); null without one. */
export function meanTimeToRecover(
  incidents: Array<{ resolvedAt: string | null; durationSeconds: number }>,
): number | null {
  const resolved = incidents.filter((incident) => incident.resolvedAt !== null);
  return resolved.length > 0
    ? resolved.reduce((sum, i) => sum + i.durationSeconds, 0) / resolved.length
    : null;
}

/** A monitor's SLA report from its statistics: incidents last until resolved, or until `to` while open. */
export function buildSlaReport(monitor: SlaReport['monitor'], stats: StatsForReport): SlaReport {
  const to = Date.parse(stats.to);
  const incidents = stats.incidentSpans.map((span) => ({
    ...span,
    durationSeconds:
      ((span.resolvedAt ? Date.parse(span.resolvedAt) : to) - Date.parse(span.openedAt)) / 1000,
  }));
  return {
    monitor,
    from: stats.from,
    to: stats.to,
    uptimePercent: stats.uptimePercent,
    checks: stats.checks,
    failedChecks: stats.failedChecks,
    downtimeSeconds: stats.downtimeSeconds,
    measuredSeconds: stats.measuredSeconds,
    latencyMs: stats.latencyMs,
    mttrSeconds: meanTimeToRecover(incidents),
    incidents,
  };
}

/** The summary lines of a report, shared by the CSV and the PDF so they always say the same. */
export function summaryRows(report: SlaReport): Array<[string, string | number | null]> {
  return [
    ['monitor', report.monitor.name],
    ['monitorId', report.monitor.id],
    ['from', report.from],
    ['to', report.to],
    ['uptimePercent', report.uptimePercent],
    ['checks', report.checks],
    ['failedChecks', report.failedChecks],
    ['downtimeSeconds', report.downtimeSeconds],
    ['measuredSeconds', report.measuredSeconds],
    ['incidents', report.incidents.length],
    ['mttrSeconds', report.mttrSeconds],
    ['latencyP50Ms', report.latencyMs.p50],
    ['latencyP95Ms', report.latencyMs.p95],
    ['latencyP99Ms', report.latencyMs.p99],
  ];
}

const INCIDENT_COLUMNS = ['incidentId', 'openedAt', 'resolvedAt', 'durationSeconds'];

/** The report as CSV: a `metric,value` table, a blank line, then one line per incident. */
export function slaCsv(report: SlaReport): string {
  return [
    csvRecord(['metric', 'value']),
    ...summaryRows(report).map((row) => csvRecord(row)),
    '\r\n',
    csvRecord(INCIDENT_COLUMNS),
    ...report.incidents.map((i) => csvRecord([i.id, i.openedAt, i.resolvedAt, i.durationSeconds])),
  ].join('');
}

/** The report as a PDF: the same table and incidents, one line each. */
export function slaPdf(report: SlaReport): Promise<Buffer> {
  return pdfBuffer(`SLA report: ${report.monitor.name}`, (doc) => {
    pdfTable(doc, summaryRows(report));
    pdfHeading(doc, 'Incidents');
    if (report.incidents.length === 0) doc.text('none');
    for (const i of report.incidents) {
      doc.text(`${i.openedAt} to ${i.resolvedAt ?? 'open'}: ${i.durationSeconds} s (${i.id})`);
    }
  });
}
