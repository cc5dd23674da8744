import { emptyPhases, maskUrlsIn } from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { type Keyset, keysetPage, readCursor } from '../http/cursor';

function selectResults(db: TenantDb, orgId: string, monitorId: string) {
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
      'details',
      sql<boolean>`EXISTS (SELECT 1 FROM late_results l WHERE l.monitor_id = tenant_check_results.monitor_id
        AND l.scheduled_at = tenant_check_results.scheduled_at AND l.region = tenant_check_results.region
        AND l.kind = tenant_check_results.kind)`.as('late'),
      sql<boolean>`EXISTS (SELECT 1 FROM check_artifacts a WHERE a.monitor_id = tenant_check_results.monitor_id
        AND a.scheduled_at = tenant_check_results.scheduled_at AND a.region = tenant_check_results.region
        AND a.kind = tenant_check_results.kind)`.as('screenshot'),
    ])
    .where('org_id', '=', orgId)
    .where('monitor_id', '=', monitorId);
}

type ResultRow = Awaited<ReturnType<ReturnType<typeof selectResults>['executeTakeFirstOrThrow']>>;

function toResultView(row: ResultRow) {
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
    details: row.details ?? [],
    late: row.late,
    screenshot: row.screenshot,
  };
}

async function intervalOf(ctx: TenantContext, monitorId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('monitors')
    .select(['id', 'interval_seconds'])
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', monitorId)
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('monitor');
  return row.interval_seconds;
}

/** A Postgres timestamptz text (`2026-03-10 12:00:00.5+00`) as epoch ms; NaN when it is not one. */
const pgTimeMs = (text: string) => Date.parse(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));

const newestSlotFirst: Keyset = {
  columns: [
    { ref: 'scheduled_at', type: 'timestamptz' },
    { ref: 'region', type: 'text', check: (r) => r.length <= 64 },
    { ref: 'kind', type: 'text', check: (k) => k === 'scheduled' || k === 'confirmation' },
  ],
  order: 'desc',
};

/** A monitor's check results, newest slot first, keyset-paged on (scheduled_at, region, kind). */
export async function listResults(
  ctx: TenantContext,
  input: {
    monitorId: string;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const intervalSeconds = await intervalOf(ctx, input.monitorId);
  let query = selectResults(ctx.db, ctx.orgId, input.monitorId);
  if (input.from) query = query.where('scheduled_at', '>=', new Date(input.from));
  if (input.to) query = query.where('scheduled_at', '<', new Date(input.to));
  let newest = input.to ? Date.parse(input.to) : Date.now();
  if (input.cursor) newest = Math.min(newest, pgTimeMs(readCursor(newestSlotFirst, input.cursor)[0] ?? ''));
  // Results live in day partitions: an open-ended query plans every one of them. Most pages lie within
  // a few intervals of their newest row, so look there first (pruned to a partition or two), and read
  // the whole range only when that span holds less than a page.
  const probeFrom = newest - Math.max(3_600_000, (input.limit + 1) * intervalSeconds * 2000);
  if (Number.isFinite(probeFrom) && (!input.from || Date.parse(input.from) < probeFrom)) {
    const probed = await keysetPage(
      query.where('scheduled_at', '>=', new Date(probeFrom)),
      newestSlotFirst,
      input,
      toResultView,
    );
    if (probed.nextCursor !== null) return probed;
  }
  return keysetPage(query, newestSlotFirst, input, toResultView);
}

/** Results inside [from, to], oldest first: an incident's window. */
export async function resultsBetween(
  ctx: TenantContext,
  input: { monitorId: string; from: Date; to: Date; max: number },
) {
  const { monitorId, from, to, max } = input;
  const rows = await selectResults(ctx.db, ctx.orgId, monitorId)
    .where('scheduled_at', '>=', from)
    .where('scheduled_at', '<=', to)
    .orderBy('scheduled_at', 'asc')
    .orderBy('region', 'asc')
    .orderBy('kind', 'asc')
    .limit(max)
    .execute();
  return rows.map(toResultView);
}
