import { DomainError } from '@sentinelmesh/core';
import type { ActorContext } from '../context';
import { isUuid } from '../http/ids';
import type { bulkActions, bulkOutcomes } from '../schemas/monitor-actions';
import { publishMonitorChange } from './monitor-changes';
import { updateMonitor } from './monitors';

type BulkAction = (typeof bulkActions)[number];
type BulkOutcome = (typeof bulkOutcomes)[number];

export interface BulkResult {
  id: string;
  outcome: BulkOutcome;
  error: string | null;
}

const done = (id: string, outcome: BulkOutcome, error: string | null = null): BulkResult => ({
  id,
  outcome,
  error,
});

/**
 * Pauses, resumes or deletes many monitors in the request's one transaction and reports each id's
 * outcome. An id that is not a monitor of this organization is `not_found`, never an error for the
 * rest; a monitor the rules refuse (a quota on resuming) is `failed` with the reason, the others apply.
 */
export async function bulkMonitorAction(
  ctx: ActorContext,
  input: { action: BulkAction; ids: string[] },
): Promise<{ action: BulkAction; results: BulkResult[] }> {
  const ids = [...new Set(input.ids.map((id) => id.toLowerCase()))];
  const wellFormed = ids.filter(isUuid);
  const rows =
    wellFormed.length === 0
      ? []
      : await ctx.db
          .selectFrom('monitors')
          .select(['id', 'paused'])
          .where('org_id', '=', ctx.orgId)
          .where('id', 'in', wellFormed)
          .execute();
  // In the request's order, so a quota that admits only some of them admits the first ones asked for.
  const found = new Map(rows.map((row) => [row.id, row.paused]));
  const paused = new Map(
    ids.flatMap((id) => (found.has(id) ? [[id, found.get(id) as boolean] as const] : [])),
  );
  const results =
    input.action === 'delete'
      ? await deleteMany(ctx, [...paused.keys()])
      : await setPaused(ctx, paused, input.action === 'pause');
  const byId = new Map(results.map((r) => [r.id, r]));
  return { action: input.action, results: ids.map((id) => byId.get(id) ?? done(id, 'not_found')) };
}

async function deleteMany(ctx: ActorContext, ids: string[]): Promise<BulkResult[]> {
  if (ids.length === 0) return [];
  const deleted = await ctx.db
    .deleteFrom('monitors')
    .where('org_id', '=', ctx.orgId)
    .where('id', 'in', ids)
    .returning('id')
    .execute();
  ctx.afterCommit(async () => {
    for (const { id } of deleted) {
      await publishMonitorChange(ctx, { op: 'delete', orgId: ctx.orgId, monitorId: id });
    }
  });
  return deleted.map(({ id }) => done(id, 'deleted'));
}

async function setPaused(
  ctx: ActorContext,
  current: Map<string, boolean>,
  pause: boolean,
): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (const [id, paused] of current) {
    if (paused === pause) {
      results.push(done(id, 'unchanged'));
      continue;
    }
    try {
      await updateMonitor(ctx, { id, patch: { paused: pause } });
      results.push(done(id, pause ? 'paused' : 'resumed'));
    } catch (error) {
      // Rules refused this one (checked before any write of it); a database error fails the request.
      if (!(error instanceof DomainError)) throw error;
      results.push(done(id, 'failed', error.message));
    }
  }
  return results;
}
