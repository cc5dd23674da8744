import { PROBE_MAX_CLOCK_AHEAD_MS, type ProbeResult, type ProbeResultsResponse } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import {
  isPermanentDbError as isPermanent,
  type ResultWriter,
  type VerifyPoke,
  verifyPoke,
} from '@sentinelmesh/platform';
import { sql } from 'kysely';
import type { Clock } from '../context';
import type { ProbeIdentity } from './probe-auth';

interface MonitorScope {
  id: string;
  org_id: string;
  regions: string[] | null;
}

const keyOf = (monitorId: string, scheduledAtMs: number, kind: string) =>
  `${monitorId}/${scheduledAtMs}/${kind}`;

/**
 * Writes a probe's results through the worker's writer (same unique key, same verify pokes). Each
 * result must be of a monitor that lists the probe's region and, for a private location, of its
 * organization; the region and organization are stamped here, never taken from the probe. A result
 * already stored (a batch pushed again) counts as a duplicate and is not written again.
 */
export async function ingestResults(
  deps: { db: Db; writer: ResultWriter<VerifyPoke>; clock: Clock },
  input: { identity: ProbeIdentity; results: ProbeResult[] },
): Promise<ProbeResultsResponse> {
  const { identity, results } = input;
  const ids = [...new Set(results.map((r) => r.monitorId))];
  const monitors = new Map<string, MonitorScope>();
  const rows = await deps.db
    .selectFrom('monitors')
    .select(['id', 'org_id', sql<string[] | null>`config -> 'regions'`.as('regions')])
    .where('id', 'in', ids)
    .execute();
  for (const row of rows) monitors.set(row.id, row);

  const refused: ProbeResultsResponse['refused'] = [];
  const candidates: { index: number; result: ProbeResult; orgId: string }[] = [];
  const latestAccepted = deps.clock.now().getTime() + PROBE_MAX_CLOCK_AHEAD_MS;
  results.forEach((result, index) => {
    const monitor = monitors.get(result.monitorId);
    // Another organization's monitor reads as unknown to a private location's probe.
    if (!monitor || (identity.orgId !== null && monitor.org_id !== identity.orgId)) {
      refused.push({ index, reason: 'no such monitor' });
    } else if (!monitor.regions?.includes(identity.region)) {
      refused.push({ index, reason: `the monitor does not run in region ${identity.region}` });
    } else if (Date.parse(result.checkedAt) > latestAccepted) {
      refused.push({ index, reason: 'checkedAt is ahead of the gateway clock; check the probe clock' });
    } else {
      candidates.push({ index, result, orgId: monitor.org_id });
    }
  });

  const stored = await storedKeys(deps.db, identity.region, candidates);
  let duplicates = 0;
  const writes: { index: number; done: Promise<void> }[] = [];
  for (const { index, result, orgId } of candidates) {
    const scheduledAt = new Date(result.scheduledAt);
    const key = keyOf(result.monitorId, scheduledAt.getTime(), result.kind);
    if (stored.has(key)) {
      duplicates++;
      continue;
    }
    stored.add(key);
    writes.push({
      index,
      done: deps.writer.write(
        {
          ok: result.ok,
          statusCode: result.statusCode,
          latencyMs: result.latencyMs,
          phases: result.phases,
          certExpiresAt: result.certExpiresAt,
          error: result.error,
          failedAssertions: result.failedAssertions,
          ...(result.details ? { details: result.details } : {}),
          orgId,
          monitorId: result.monitorId,
          scheduledAt,
          checkedAt: new Date(result.checkedAt),
          region: identity.region,
          kind: result.kind,
          attempt: result.attempt,
        },
        verifyPoke(orgId, result.monitorId),
      ),
    });
  }
  // Durable (and the verifier poked) before the probe hears "accepted" and forgets them. A row the
  // database refuses for good (its monitor was deleted meanwhile) is refused; anything else fails the
  // request, and the probe sends the batch again.
  const settled = await Promise.allSettled(writes.map((w) => w.done));
  let accepted = 0;
  for (const [i, outcome] of settled.entries()) {
    if (outcome.status === 'fulfilled') accepted++;
    else if (isPermanent(outcome.reason)) {
      refused.push({ index: (writes[i] as { index: number }).index, reason: 'the result cannot be stored' });
    } else throw outcome.reason;
  }
  refused.sort((a, b) => a.index - b.index);
  return { accepted, duplicates, refused };
}

/** The keys among the candidates that already have a row in this region. */
async function storedKeys(
  db: Db,
  region: string,
  candidates: { result: ProbeResult; orgId: string }[],
): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const rows = await db
    .selectFrom('check_results')
    .select(['monitor_id', 'scheduled_at', 'kind'])
    .where('org_id', 'in', [...new Set(candidates.map((c) => c.orgId))])
    .where('monitor_id', 'in', [...new Set(candidates.map((c) => c.result.monitorId))])
    .where(
      'scheduled_at',
      'in',
      [...new Set(candidates.map((c) => c.result.scheduledAt))].map((t) => new Date(t)),
    )
    .where('region', '=', region)
    .execute();
  return new Set(rows.map((row) => keyOf(row.monitor_id, row.scheduled_at.getTime(), row.kind)));
}
