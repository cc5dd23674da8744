import PDFDocument from 'pdfkit';
import { csvRecord } from './csv';

/** What a report takes from the stats API's answer for the same range (never computed again here). */
export interface StatsForReport {
  from: string;
  to: string;
  uptimePercent: number | null;
  checks: number;
  failedChecks: number;
  downtimeSeconds: number;
  measuredSeconds: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  incidentSpans: Array<{ id: string; openedAt: string; resolvedAt: string | null }>;
}

export interface SlaReport extends Omit<StatsForReport, 'incidentSpans'> {
  monitor: { id: string; name: string };
  /** Mean duration of the incidents of the range that are resolved; null without one. */
  mttrSeconds: number | null;
  incidents: Array<{ id: string; openedAt: string; resolvedAt: string | null; durationSeconds: number }>;
}

/** A monitor's SLA report from its statistics: incidents last until resolved, or until `to` while open. */
export function buildSlaReport(monitor: SlaReport['monitor'], stats: StatsForReport): SlaReport {
  const to = Date.parse(stats.to);
  const incidents = stats.incidentSpans.map((span) => ({
    ...span,
    durationSeconds:
      ((span.resolvedAt ? Date.parse(span.resolvedAt) : to) - Date.parse(span.openedAt)) / 1000,
  }));
  const resolved = incidents.filter((incident) => incident.resolvedAt !== null);
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
    mttrSeconds:
      resolved.length > 0 ? resolved.reduce((sum, i) => sum + i.durationSeconds, 0) / resolved.length : null,
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
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `SLA report: ${report.monitor.name}` },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(16).text(`SLA report: ${report.monitor.name}`);
  doc.fontSize(10).moveDown();
  for (const [metric, value] of summaryRows(report)) doc.text(`${metric}: ${value ?? '-'}`);
  doc.moveDown().fontSize(12).text('Incidents').fontSize(10);
  if (report.incidents.length === 0) doc.text('none');
  for (const i of report.incidents) {
    doc.text(`${i.openedAt} to ${i.resolvedAt ?? 'open'}: ${i.durationSeconds} s (${i.id})`);
  }
  doc.end();
  return done;
}
