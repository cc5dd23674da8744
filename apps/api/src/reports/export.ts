import type { Database, Db } from '@sentinelmesh/db';
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../context';
import { bindTenant } from '../db/tenant';
import { apiErrors } from '../errors';
import { type CsvValue, csvRecord } from './csv';

/** Rows read per page: each page is one short tenant transaction, so none stays open for the stream. */
export const EXPORT_PAGE_ROWS = 2_000;

export type ExportFormat = 'csv' | 'ndjson';

export interface ExportRange {
  orgId: string;
  from: string;
  to?: string | undefined;
}

/** A table of rows to export: its columns, and the page after a row (keyset order). */
interface Source<Row> {
  columns: Array<keyof Row & string>;
  page(tx: Kysely<Database>, after: Row | null, from: Date, to: Date): Promise<Row[]>;
}

export function resolveExportRange(range: ExportRange, clock: Clock): { from: Date; to: Date } {
  const from = new Date(range.from);
  const to = range.to === undefined ? clock.now() : new Date(range.to);
  for (const [path, at] of [
    ['from', from],
    ['to', to],
  ] as const) {
    // Postgres keeps timestamps of these years; a time outside them could fail a page mid-stream.
    if (at.getUTCFullYear() < 1970 || at.getUTCFullYear() > 9999) {
      throw apiErrors.invalid('query', [{ path, message: 'must be between the years 1970 and 9999' }]);
    }
  }
  if (from.getTime() >= to.getTime()) {
    throw apiErrors.invalid('query', [{ path: 'from', message: 'must be before `to`' }]);
  }
  return { from, to };
}

function inTenant<T>(db: Db, orgId: string, work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await bindTenant(tx, orgId);
    return work(tx);
  });
}

/**
 * The rows of a range, page by page through the database in keyset order, as CSV or NDJSON text.
 * Pulled: the next page is read only when the reply has taken the last one, so memory stays flat.
 */
async function* exportRows<Row extends Record<string, unknown>>(
  db: Db,
  orgId: string,
  source: Source<Row>,
  range: { from: Date; to: Date },
  format: ExportFormat,
): AsyncGenerator<string> {
  const toCsv = (row: Row) => csvRecord(source.columns.map((column) => row[column] as CsvValue));
  if (format === 'csv') yield csvRecord(source.columns);
  let after: Row | null = null;
  for (;;) {
    const rows = await inTenant(db, orgId, (tx) => source.page(tx, after, range.from, range.to));
    if (rows.length === 0) return;
    yield rows.map((row) => (format === 'csv' ? toCsv(row) : `${JSON.stringify(row)}\n`)).join('');
    after = rows[rows.length - 1] ?? null;
  }
}

interface ResultRow extends Record<string, unknown> {
  scheduledAt: Date;
  checkedAt: Date;
  region: string;
  kind: string;
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  certExpiresAt: Date | null;
}

const resultColumns: Array<keyof ResultRow & string> = [
  'scheduledAt',
  'checkedAt',
  'region',
  'kind',
  'attempt',
  'ok',
  'statusCode',
  'latencyMs',
  'errorKind',
  'errorMessage',
  'certExpiresAt',
];

/** A monitor's check results of a range, oldest first; 404 for a monitor the organization does not have. */
export async function exportResults(
  deps: { db: Db; clock: Clock },
  input: ExportRange & { monitorId: string; format: ExportFormat },
): Promise<AsyncGenerator<string>> {
  const range = resolveExportRange(input, deps.clock);
  const found = await inTenant(deps.db, input.orgId, (tx) =>
    tx.selectFrom('monitors').select('id').where('id', '=', input.monitorId).executeTakeFirst(),
  );
  if (!found) throw apiErrors.notFound('monitor');
  let lastSlot = Number.NaN;
  const sentAtLastSlot = new Set<string>();
  const source: Source<ResultRow> = {
    columns: resultColumns,
    page: async (tx, after, from, to) => {
      let query = tx
        .selectFrom('tenant_check_results')
        .select([
          'scheduled_at as scheduledAt',
          'checked_at as checkedAt',
          'region',
          'kind',
          'attempt',
          'ok',
          'status_code as statusCode',
          'latency_ms as latencyMs',
          'error_kind as errorKind',
          'error_message as errorMessage',
          'cert_expires_at as certExpiresAt',
        ])
        .where('monitor_id', '=', input.monitorId)
        .where('scheduled_at', '>=', from)
        .where('scheduled_at', '<', to);
      // Keyset on the slot time alone: the results view is a security barrier, so only its leakproof
      // time comparison reaches the index. A page starts at the last slot again; its results already sent
      // (a slot holds one per region and kind, far fewer than a page) are left out.
      if (after) query = query.where('scheduled_at', '>=', after.scheduledAt);
      const rows = (await query
        .orderBy('scheduled_at')
        .orderBy('region')
        .orderBy('kind')
        .limit(EXPORT_PAGE_ROWS)
        .execute()) as ResultRow[];
      const fresh = rows.filter(
        (row) => row.scheduledAt.getTime() !== lastSlot || !sentAtLastSlot.has(`${row.region}\n${row.kind}`),
      );
      for (const row of fresh) {
        if (row.scheduledAt.getTime() !== lastSlot) {
          lastSlot = row.scheduledAt.getTime();
          sentAtLastSlot.clear();
        }
        sentAtLastSlot.add(`${row.region}\n${row.kind}`);
      }
      return fresh;
    },
  };
  return exportRows(deps.db, input.orgId, source, range, input.format);
}

interface IncidentRow extends Record<string, unknown> {
  id: string;
  monitorId: string;
  monitor: string;
  status: string;
  openedAt: Date;
  resolvedAt: Date | null;
  durationSeconds: number | null;
  cause: string | null;
  acknowledgedAt: Date | null;
}

/** The organization's incidents opened in a range, oldest first, with their durations (null while open). */
export async function exportIncidents(
  deps: { db: Db; clock: Clock },
  input: ExportRange & { format: ExportFormat },
): Promise<AsyncGenerator<string>> {
  const range = resolveExportRange(input, deps.clock);
  const source: Source<IncidentRow> = {
    columns: [
      'id',
      'monitorId',
      'monitor',
      'status',
      'openedAt',
      'resolvedAt',
      'durationSeconds',
      'cause',
      'acknowledgedAt',
    ],
    page: async (tx, after, from, to) => {
      let query = tx
        .selectFrom('incidents as i')
        .innerJoin('monitors as m', 'm.id', 'i.monitor_id')
        .select([
          'i.id',
          'i.monitor_id as monitorId',
          'm.name as monitor',
          'i.status',
          'i.opened_at as openedAt',
          'i.resolved_at as resolvedAt',
          sql<number | null>`extract(epoch FROM i.resolved_at - i.opened_at)::integer`.as('durationSeconds'),
          'i.cause',
          'i.acknowledged_at as acknowledgedAt',
        ])
        .where('i.opened_at', '>=', from)
        .where('i.opened_at', '<', to);
      if (after) {
        query = query.where((eb) =>
          eb(eb.refTuple('i.opened_at', 'i.id'), '>', eb.tuple(after.openedAt, after.id)),
        );
      }
      return (await query
        .orderBy('i.opened_at')
        .orderBy('i.id')
        .limit(EXPORT_PAGE_ROWS)
        .execute()) as IncidentRow[];
    },
  };
  return exportRows(deps.db, input.orgId, source, range, input.format);
}
