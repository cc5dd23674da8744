import { insertIncident, insertMaintenanceWindow, insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { PDFParse } from 'pdf-parse';
import { client, httpMonitor, type Session, type TestApi } from './helpers';

// A hand-computed month: March 2026 (31 days = 2,678,400 s), one scheduled check an hour per monitor.
// Monitors A and B form the component "Checkout" of a status page; C stands alone.
//   Latencies: A 100 ms, B 200 ms, C 500 ms on every check; A fails 2 checks, B 1.
//   Incidents: A 03-05 10:00–10:30 (1,800 s), 03-20 22:00–03-21 01:00 (10,800 s);
//              B 03-05 10:15–11:00 (2,700 s), 03-25 00:00–00:30 (1,800 s, inside B's maintenance);
//              C 03-10 00:00–02:00 (7,200 s).
//   Maintenance: A and B 03-15 00:00–02:00 (7,200 s); B alone 03-25 00:00–01:00 (3,600 s).
// Component (A, B), down while either is down: 03-05 10:00–11:00 (3,600 s) + 10,800 s = 14,400 s of
//   2,671,200 s (the month less the shared maintenance): uptime 1 - 14400/2671200 = 99.4609 %;
//   4 incidents, MTTR (1800 + 10800 + 2700 + 1800) / 4 = 4,275 s; 1,488 checks, 3 failed;
//   p50 = #744 = 100, p95 = #1414 = 200, p99 = #1474 = 200.
// Organization (A, B, C): C has data in the shared maintenance, so 2,678,400 s count; down
//   14,400 + 7,200 = 21,600 s: uptime 1 - 21600/2678400 = 99.1935 %; 5 incidents, MTTR 24300 / 5 = 4,860 s;
//   2,232 checks, 3 failed; p50 = #1116 = 200, p95 = #2121 = 500, p99 = #2210 = 500.
// Each monitor alone (as its stats say): A 12,600 s down of 2,671,200 s = 99.5283 %;
//   B 2,700 s of 2,667,600 s = 99.8988 %; C 7,200 s of 2,678,400 s = 99.7312 %.
export const SLA_NOW = new Date('2026-04-02T00:00:00Z');
const H = 3_600_000;
const MARCH = Date.parse('2026-03-01T00:00:00Z');
const at = (iso: string) => new Date(`2026-03-${iso}Z`);

export const componentTable: Array<[string, string]> = [
  ['component', 'Checkout'],
  ['from', '2026-03-01T00:00:00.000Z'],
  ['to', '2026-04-01T00:00:00.000Z'],
  ['monitors', '2'],
  ['uptimePercent', '99.4609'],
  ['checks', '1488'],
  ['failedChecks', '3'],
  ['downtimeSeconds', '14400'],
  ['measuredSeconds', '2671200'],
  ['incidents', '4'],
  ['mttrSeconds', '4275'],
  ['latencyP50Ms', '100'],
  ['latencyP95Ms', '200'],
  ['latencyP99Ms', '200'],
];

export const organizationTable: Array<[string, string]> = [
  ['organization', 'Group Report Inc'],
  ['from', '2026-03-01T00:00:00.000Z'],
  ['to', '2026-04-01T00:00:00.000Z'],
  ['monitors', '3'],
  ['uptimePercent', '99.1935'],
  ['checks', '2232'],
  ['failedChecks', '3'],
  ['downtimeSeconds', '21600'],
  ['measuredSeconds', '2678400'],
  ['incidents', '5'],
  ['mttrSeconds', '4860'],
  ['latencyP50Ms', '200'],
  ['latencyP95Ms', '500'],
  ['latencyP99Ms', '500'],
];

/** Each monitor's line: name, uptimePercent, checks, failedChecks, downtimeSeconds, measuredSeconds, incidents, mttr, p50, p95, p99. */
export const monitorLines: Record<'A' | 'B' | 'C', string[]> = {
  A: ['Shop A', '99.5283', '744', '2', '12600', '2671200', '2', '6300', '100', '100', '100'],
  B: ['Shop B', '99.8988', '744', '1', '2700', '2667600', '2', '2250', '200', '200', '200'],
  C: ['Shop C', '99.7312', '744', '0', '7200', '2678400', '1', '7200', '500', '500', '500'],
};

export interface SeededMonth {
  monitors: Record<'A' | 'B' | 'C', string>;
  statusPageId: string;
  componentId: string;
}

/** Seeds the month above into `owner`'s organization (which must be named "Group Report Inc"). */
export async function seedSlaMonth(api: TestApi, testDb: TestDatabase, owner: Session): Promise<SeededMonth> {
  const db = testDb.db;
  const create = async (name: string) =>
    (await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ name }))).json().id as string;
  const monitors = { A: await create('Shop A'), B: await create('Shop B'), C: await create('Shop C') };
  const ids = Object.values(monitors);
  await db
    .updateTable('monitors')
    .set({ created_at: new Date(MARCH - 30 * 24 * H) } as never)
    .where('id', 'in', ids)
    .execute();
  const latency = { A: 100, B: 200, C: 500 } as const;
  const failing = { A: [106, 478], B: [200], C: [] as number[] };
  for (const key of ['A', 'B', 'C'] as const) {
    await insertResults(
      db,
      owner.orgId,
      monitors[key],
      Array.from({ length: 744 }, (_, i) => ({
        scheduledAt: new Date(MARCH + i * H),
        latencyMs: latency[key],
        ok: !failing[key].includes(i),
      })),
    );
  }
  const incident = (key: 'A' | 'B' | 'C', openedAt: string, resolvedAt: string) =>
    insertIncident(db, owner.orgId, monitors[key], { openedAt: at(openedAt), resolvedAt: at(resolvedAt) });
  await incident('A', '05T10:00:00', '05T10:30:00');
  await incident('A', '20T22:00:00', '21T01:00:00');
  await incident('B', '05T10:15:00', '05T11:00:00');
  await incident('B', '25T00:00:00', '25T00:30:00');
  await incident('C', '10T00:00:00', '10T02:00:00');
  // Outside the month: left out of every figure.
  await insertIncident(db, owner.orgId, monitors.C, {
    openedAt: new Date('2026-02-10T00:00:00Z'),
    resolvedAt: new Date('2026-02-10T05:00:00Z'),
  });
  await insertMaintenanceWindow(db, owner.orgId, {
    startsAt: at('15T00:00:00'),
    endsAt: at('15T02:00:00'),
    monitorIds: [monitors.A, monitors.B],
  });
  await insertMaintenanceWindow(db, owner.orgId, {
    startsAt: at('25T00:00:00'),
    endsAt: at('25T01:00:00'),
    monitorIds: [monitors.B],
  });
  const page = await client(api.app, owner.token).post('/v1/status-pages', {
    slug: `group-${owner.orgId.slice(0, 8)}`,
    title: 'Shop status',
    monitorIds: ids,
  });
  const statusPageId = page.json().id as string;
  const component = await db
    .insertInto('status_page_components')
    .values({ org_id: owner.orgId, status_page_id: statusPageId, name: 'Checkout', position: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('status_page_monitors')
    .set({ component_id: component.id })
    .where('monitor_id', 'in', [monitors.A, monitors.B])
    .execute();
  return { monitors, statusPageId, componentId: component.id };
}

/** The `metric,value` lines of a report's CSV, unquoted, and the tables after the blank lines. */
export function csvSections(body: string): { summary: Map<string, string>; tables: string[][] } {
  const [summary = '', ...tables] = body.split('\r\n\r\n');
  return {
    summary: new Map(
      summary.split('\r\n').map((line) => {
        const comma = line.indexOf(',');
        return [line.slice(0, comma), line.slice(comma + 1).replace(/^"(.*)"$/, '$1')] as [string, string];
      }),
    ),
    tables: tables.map((table) => table.split('\r\n').filter((line) => line !== '')),
  };
}

/** The text of a PDF, as pdf-parse reads it. */
export async function pdfText(payload: Buffer | Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(payload) });
  const { text } = await parser.getText();
  await parser.destroy();
  return text;
}
