import { emptyPhases, maskUrlsIn, notFound } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { type SqlBool, sql } from 'kysely';
import { decodeCursor, isPgTimestamp, toPage } from '../http/cursor';

function selectResults(db: Db, orgId: string, monitorId: string) {
  return db
    .selectFrom('tenant_check_results')
    .select([
      'scheduled_at',
      'checked_at',
      'region',
      'kind',
      'ok',
      'status_code',
      'latency_ms',
      'phases',
      'cert_expires_at',
      'error_kind',
      'error_message',
      'failed_assertions',
      sql<string>`scheduled_at::text`.as('cursor_at'),
    ])
    .where('org_id', '=', orgId)
    .where('monitor_id', '=', monitorId);
}

type ResultRow = Awaited<ReturnType<ReturnType<typeof selectResults>['executeTakeFirstOrThrow']>>;

export function toResultView(row: ResultRow) {
  return {
    scheduledAt: row.scheduled_at.toISOString(),
    checkedAt: row.checked_at.toISOString(),
    region: row.region,
    kind: row.kind,
    ok: row.ok,
    statusCode: row.status_code,
    latencyMs: row.latency_ms,
    phases: { ...emptyPhases, ...row.phases },
    certExpiresAt: row.cert_expires_at ? row.cert_expires_at.toISOString() : null,
    // Results written before workers scrubbed secrets may hold a URL with its credentials.
    error: row.error_kind ? { kind: row.error_kind, message: maskUrlsIn(row.error_message ?? '') } : null,
    failedAssertions: row.failed_assertions ?? [],
  };
}

export async function assertMonitorExists(db: Db, orgId: string, monitorId: string): Promise<number> {
  const row = await db
    .selectFrom('monitors')
    .select(['id', 'interval_seconds'])
    .where('org_id', '=', orgId)
    .where('id', '=', monitorId)
    .executeTakeFirst();
  if (!row) throw notFound('monitor');
  return row.interval_seconds;
}

/** A Postgres timestamptz text (`2026-03-10 12:00:00.5+00`) as epoch ms; NaN when it is not one. */
const pgTimeMs = (text: string) => Date.parse(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));

const kinds = (value: string) => value === 'scheduled' || value === 'confirmation';

/** A monitor's check results, newest slot first, keyset-paged on (scheduled_at, region, kind). */
export async function listResults(
  db: Db,
  orgId: string,
  monitorId: string,
  range: { from?: string | undefined; to?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const intervalSeconds = await assertMonitorExists(db, orgId, monitorId);
  let query = selectResults(db, orgId, monitorId);
  if (range.from) query = query.where('scheduled_at', '>=', new Date(range.from));
  if (range.to) query = query.where('scheduled_at', '<', new Date(range.to));
  let newest = range.to ? Date.parse(range.to) : Date.now();
  if (range.cursor) {
    const [at = '', region, kind] = decodeCursor(range.cursor, [isPgTimestamp, (r) => r.length <= 64, kinds]);
    query = query.where(
      sql<SqlBool>`(scheduled_at, region, kind) < (${at}::timestamptz, ${region}::text, ${kind}::text)`,
    );
    newest = Math.min(newest, pgTimeMs(at));
  }
  const page = (q: typeof query) =>
    q
      .orderBy('scheduled_at', 'desc')
      .orderBy('region', 'desc')
      .orderBy('kind', 'desc')
      .limit(range.limit + 1)
      .execute();
  // Results live in day partitions: an open-ended query plans every one of them. Most pages lie within
  // a few intervals of their newest row, so look there first (pruned to a partition or two), and read
  // the whole range only when that span holds less than a page.
  const probeFrom = newest - Math.max(3_600_000, (range.limit + 1) * intervalSeconds * 2000);
  if (Number.isFinite(probeFrom) && (!range.from || Date.parse(range.from) < probeFrom)) {
    const rows = await page(query.where('scheduled_at', '>=', new Date(probeFrom)));
    if (rows.length > range.limit) {
      return toPage(rows, range.limit, (row) => [row.cursor_at, row.region, row.kind], toResultView);
    }
  }
  const rows = await page(query);
  return toPage(rows, range.limit, (row) => [row.cursor_at, row.region, row.kind], toResultView);
}

/** Results inside [from, to], oldest first: an incident's window. */
export async function resultsBetween(
  db: Db,
  orgId: string,
  monitorId: string,
  from: Date,
  to: Date,
  max: number,
) {
  const rows = await selectResults(db, orgId, monitorId)
    .where('scheduled_at', '>=', from)
    .where('scheduled_at', '<=', to)
    .orderBy('scheduled_at', 'asc')
    .orderBy('region', 'asc')
    .orderBy('kind', 'asc')
    .limit(max)
    .execute();
  return rows.map(toResultView);
}
