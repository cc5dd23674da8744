import type { Availability } from '../stats/intervals';
import { round } from '../stats/intervals';
import { csvRecord } from './csv';
import { pdfBuffer, pdfHeading, pdfTable } from './pdf';
import { meanTimeToRecover, type SlaFigures, type SlaReport } from './sla';

export type GroupScope = 'component' | 'organization';

type Latency = SlaFigures['latencyMs'];

/** One monitor's line of a group report: its own report's figures, equal to the stats API's. */
export interface GroupMonitorLine {
  id: string;
  name: string;
  uptimePercent: number | null;
  checks: number;
  failedChecks: number;
  downtimeSeconds: number;
  measuredSeconds: number;
  incidents: number;
  mttrSeconds: number | null;
  latencyMs: Latency;
}

export interface GroupSlaReport extends SlaFigures {
  scope: GroupScope;
  subject: { id: string; name: string };
  mttrSeconds: number | null;
  incidents: Array<SlaReport['incidents'][number] & { monitorId: string; monitor: string }>;
  monitors: GroupMonitorLine[];
}

/**
 * A component's or organization's report from its monitors' own reports, the group's time-weighted
 * availability (down while any monitor is down) and the percentiles of all its checks together.
 */
export function buildGroupReport(input: {
  scope: GroupScope;
  subject: GroupSlaReport['subject'];
  range: { from: string; to: string };
  availability: Availability;
  latencyMs: Latency;
  monitors: SlaReport[];
}): GroupSlaReport {
  const incidents = input.monitors
    .flatMap((report) =>
      report.incidents.map((i) => ({ ...i, monitorId: report.monitor.id, monitor: report.monitor.name })),
    )
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
  return {
    scope: input.scope,
    subject: input.subject,
    from: input.range.from,
    to: input.range.to,
    uptimePercent: input.availability.uptimePercent,
    checks: input.monitors.reduce((sum, r) => sum + r.checks, 0),
    failedChecks: input.monitors.reduce((sum, r) => sum + r.failedChecks, 0),
    downtimeSeconds: round(input.availability.downMs / 1000, 3),
    measuredSeconds: round(input.availability.consideredMs / 1000, 3),
    latencyMs: input.latencyMs,
    mttrSeconds: meanTimeToRecover(incidents),
    incidents,
    monitors: input.monitors.map((r) => ({
      id: r.monitor.id,
      name: r.monitor.name,
      uptimePercent: r.uptimePercent,
      checks: r.checks,
      failedChecks: r.failedChecks,
      downtimeSeconds: r.downtimeSeconds,
      measuredSeconds: r.measuredSeconds,
      incidents: r.incidents.length,
      mttrSeconds: r.mttrSeconds,
      latencyMs: r.latencyMs,
    })),
  };
}

type Row = [string, string | number | null];

const FIGURES = [
  'uptimePercent',
  'checks',
  'failedChecks',
  'downtimeSeconds',
  'measuredSeconds',
  'incidents',
  'mttrSeconds',
  'latencyP50Ms',
  'latencyP95Ms',
  'latencyP99Ms',
];

/** The figures of a monitor or a whole group, in the order of FIGURES. */
const figures = (r: Omit<GroupMonitorLine, 'id' | 'name'>): Array<number | null> => [
  r.uptimePercent,
  r.checks,
  r.failedChecks,
  r.downtimeSeconds,
  r.measuredSeconds,
  r.incidents,
  r.mttrSeconds,
  r.latencyMs.p50,
  r.latencyMs.p95,
  r.latencyMs.p99,
];

const named = (values: Array<number | null>): Row[] => FIGURES.map((name, i) => [name, values[i] ?? null]);

/** The summary lines, shared by the CSV and the PDF so they always say the same. */
export function groupSummaryRows(report: GroupSlaReport): Row[] {
  return [
    [report.scope, report.subject.name],
    [`${report.scope}Id`, report.subject.id],
    ['from', report.from],
    ['to', report.to],
    ['monitors', report.monitors.length],
    ...named(figures({ ...report, incidents: report.incidents.length })),
  ];
}

const MONITOR_COLUMNS = ['monitorId', 'monitor', ...FIGURES];
const INCIDENT_COLUMNS = ['incidentId', 'monitorId', 'monitor', 'openedAt', 'resolvedAt', 'durationSeconds'];

/** The report as CSV: the `metric,value` table, then one line per monitor, then one per incident (blank lines between). */
export function groupCsv(report: GroupSlaReport): string {
  return [
    csvRecord(['metric', 'value']),
    ...groupSummaryRows(report).map((row) => csvRecord(row)),
    '\r\n',
    csvRecord(MONITOR_COLUMNS),
    ...report.monitors.map((m) => csvRecord([m.id, m.name, ...figures(m)])),
    '\r\n',
    csvRecord(INCIDENT_COLUMNS),
    ...report.incidents.map((i) =>
      csvRecord([i.id, i.monitorId, i.monitor, i.openedAt, i.resolvedAt, i.durationSeconds]),
    ),
  ].join('');
}

/** The report as a PDF: the summary, each monitor's figures, then the incidents, one line each. */
export function groupPdf(report: GroupSlaReport): Promise<Buffer> {
  return pdfBuffer(`SLA report: ${report.scope} ${report.subject.name}`, (doc) => {
    pdfTable(doc, groupSummaryRows(report));
    pdfHeading(doc, 'Monitors');
    if (report.monitors.length === 0) doc.text('none');
    for (const m of report.monitors) {
      doc.moveDown(0.5).text(`${m.name} (${m.id})`);
      pdfTable(doc, named(figures(m)));
    }
    pdfHeading(doc, 'Incidents');
    if (report.incidents.length === 0) doc.text('none');
    for (const i of report.incidents) {
      doc.text(`${i.openedAt} to ${i.resolvedAt ?? 'open'}: ${i.durationSeconds} s, ${i.monitor} (${i.id})`);
    }
  });
}
