import { type Gaps, lateResults } from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';

export interface LateResult {
  region: string;
  scheduledAtMs: number;
  kind: 'scheduled' | 'confirmation';
}

const MAX_LATE_PER_RUN = 500;

/**
 * Finds the results that arrived for slots already judged without their region (the memory's gaps)
 * and records each once in `late_results`; returns those recorded by this call. Results are never
 * updated: lateness is kept beside them.
 */
export async function countLateResults(
  trx: Transaction<Database>,
  monitor: { orgId: string; monitorId: string },
  gaps: Gaps,
): Promise<LateResult[]> {
  const ranges = Object.entries(gaps).flatMap(([region, list]) => list.map((g) => ({ region, ...g })));
  if (ranges.length === 0) return [];
  const rows = await trx
    .selectFrom('check_results as r')
    .select(['r.scheduled_at', 'r.region', 'r.kind'])
    .where('r.monitor_id', '=', monitor.monitorId)
    .where('r.org_id', '=', monitor.orgId)
    .where((eb) =>
      eb.or(
        ranges.map((g) =>
          eb.and([
            eb('r.region', '=', g.region),
            eb('r.scheduled_at', '>=', new Date(g.fromMs)),
            eb('r.scheduled_at', '<=', new Date(g.toMs)),
          ]),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('late_results as l')
            .select('l.region')
            .whereRef('l.monitor_id', '=', 'r.monitor_id')
            .whereRef('l.scheduled_at', '=', 'r.scheduled_at')
            .whereRef('l.region', '=', 'r.region')
            .whereRef('l.kind', '=', 'r.kind'),
        ),
      ),
    )
    .orderBy('r.scheduled_at')
    .limit(MAX_LATE_PER_RUN)
    .execute();
  const late = lateResults(
    gaps,
    rows.map((r) => ({ region: r.region, scheduledAtMs: r.scheduled_at.getTime(), kind: r.kind })),
  );
  if (late.length === 0) return [];
  const inserted = await trx
    .insertInto('late_results')
    .values(
      late.map((r) => ({
        org_id: monitor.orgId,
        monitor_id: monitor.monitorId,
        scheduled_at: new Date(r.scheduledAtMs),
        region: r.region,
        kind: r.kind,
      })),
    )
    .onConflict((oc) => oc.columns(['monitor_id', 'scheduled_at', 'region', 'kind']).doNothing())
    .returning(['region', 'scheduled_at', 'kind'])
    .execute();
  return inserted.map((r) => ({ region: r.region, scheduledAtMs: r.scheduled_at.getTime(), kind: r.kind }));
}
