/** One case's figures from a run of the check-type benchmark. */
export interface CaseFigures {
  type: string;
  label: string;
  checks: number;
  failed: number;
  checksPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  firstError: string | null;
}

/** A rate or share with enough digits to tell a slow type (a browser check, under 1/s) from none. */
const figure = (value: number) => value.toFixed(value >= 10 ? 0 : value >= 1 ? 1 : 2);

/** The figures as one table, each type's checks/s also as a share of HTTP's. */
export function checkTypesTable(rows: readonly CaseFigures[]): string {
  const http = rows.find((r) => r.type === 'http');
  const header = ['type', 'case', 'checks/s', 'vs http', 'p50 ms', 'p95 ms', 'checks', 'failed'];
  const body = rows.map((r) => [
    r.type,
    r.label,
    figure(r.checksPerSecond),
    http ? `${figure((r.checksPerSecond / http.checksPerSecond) * 100)}%` : '-',
    r.p50Ms.toFixed(1),
    r.p95Ms.toFixed(1),
    String(r.checks),
    String(r.failed),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
