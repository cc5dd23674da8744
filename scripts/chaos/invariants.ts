import { slotsBetween } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { Delivery } from './fixtures';

export interface Coverage {
  expected: number;
  present: number;
  share: number;
  duplicates: number;
  maxGapSeconds: number;
  /** Missing slots by region and by 5-second bucket from the window's start, to see where they went. */
  missing: Record<string, number>;
}

/** Slots of [from, to) per monitor and region, how many have a result, duplicates, and the widest gap. */
export async function slotCoverage(db: Db, regions: string[], from: Date, to: Date): Promise<Coverage> {
  const monitors = await db.selectFrom('monitors').select(['id', 'interval_seconds']).execute();
  const { rows } = await sql<{ monitor_id: string; region: string; at: Date }>`
    SELECT monitor_id, region, scheduled_at AS at FROM check_results
    WHERE kind = 'scheduled' AND scheduled_at >= ${from} AND scheduled_at < ${to}
  `.execute(db);
  const seen = new Set(rows.map((r) => `${r.monitor_id}|${r.region}|${new Date(r.at).getTime()}`));
  let expected = 0;
  let present = 0;
  const missing: Record<string, number> = {};
  for (const m of monitors) {
    for (const slot of slotsBetween(m.id, m.interval_seconds, from.getTime(), to.getTime())) {
      for (const region of regions) {
        expected++;
        if (seen.has(`${m.id}|${region}|${slot}`)) present++;
        else {
          const key = `${region}@${Math.floor((slot - from.getTime()) / 5000) * 5}s`;
          missing[key] = (missing[key] ?? 0) + 1;
        }
      }
    }
  }
  const dup = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM check_results GROUP BY monitor_id, scheduled_at, region, kind HAVING count(*) > 1
    ) d
  `.execute(db);
  const gap = await sql<{ seconds: number | null }>`
    SELECT max(extract(epoch FROM gap))::float AS seconds FROM (
      SELECT scheduled_at - lag(scheduled_at) OVER (PARTITION BY monitor_id, region ORDER BY scheduled_at) AS gap
      FROM check_results WHERE kind = 'scheduled' AND scheduled_at >= ${from} AND scheduled_at < ${to}
    ) g
  `.execute(db);
  return {
    expected,
    present,
    share: expected ? present / expected : 0,
    duplicates: dup.rows[0]?.n ?? 0,
    maxGapSeconds: gap.rows[0]?.seconds ?? 0,
    missing,
  };
}

export interface AlertFindings {
  deliveries: number;
  distinctAlerts: number;
  /** Transitions (incident + event) announced under more than one alert id: a real duplicate page. */
  duplicateTransitions: string[];
  /** The same alert id delivered again (at-least-once after a crash; receivers dedupe by Idempotency-Key). */
  redelivered: string[];
  /** Monitors whose down/up notices did not alternate, with their sequence. */
  notAlternating: string[];
}

export function alertFindings(deliveries: Delivery[]): AlertFindings {
  const counts = new Map<string, number>();
  for (const d of deliveries) counts.set(d.id, (counts.get(d.id) ?? 0) + 1);
  const firsts = [...new Map(deliveries.map((d) => [d.id, d])).values()];
  const byMonitor = new Map<string, Delivery[]>();
  for (const d of firsts) {
    if (d.event !== 'monitor.down' && d.event !== 'monitor.up') continue;
    byMonitor.set(d.monitorId, [...(byMonitor.get(d.monitorId) ?? []), d]);
  }
  const notAlternating: string[] = [];
  for (const [monitorId, list] of byMonitor) {
    const events = list.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)).map((d) => d.event);
    const alternates = events.every((e, i) => e === (i % 2 === 0 ? 'monitor.down' : 'monitor.up'));
    if (!alternates) notAlternating.push(`${monitorId}: ${events.join(' ')}`);
  }
  const idsByTransition = new Map<string, Set<string>>();
  for (const d of firsts) {
    if (!d.incidentId) continue;
    const key = `${d.incidentId}|${d.event}`;
    idsByTransition.set(key, new Set([...(idsByTransition.get(key) ?? []), d.id]));
  }
  return {
    deliveries: deliveries.length,
    distinctAlerts: counts.size,
    duplicateTransitions: [...idsByTransition].filter(([, ids]) => ids.size > 1).map(([key]) => key),
    redelivered: [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`),
    notAlternating,
  };
}

/**
 * What the database holds of one monitor between two instants, one line per result, times in
 * seconds from `originMs`: `slot +12.0 b scheduled FAIL checked +13.1`. Explains an outage that was
 * not alerted.
 */
export async function resultTimeline(
  db: Db,
  monitorId: string,
  fromMs: number,
  toMs: number,
  originMs: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('check_results')
    .select(['scheduled_at', 'checked_at', 'region', 'kind', 'ok'])
    .where('monitor_id', '=', monitorId)
    .where('scheduled_at', '>=', new Date(fromMs))
    .where('scheduled_at', '<', new Date(toMs))
    .orderBy('scheduled_at')
    .orderBy('region')
    .execute();
  const at = (d: Date) => `+${((d.getTime() - originMs) / 1000).toFixed(1)}`;
  return rows.map(
    (r) =>
      `slot ${at(r.scheduled_at)} ${r.region} ${r.kind} ${r.ok ? 'ok' : 'FAIL'} checked ${at(r.checked_at)}`,
  );
}

/**
 * Whether every region saw an outage on time: `needed` consecutive planned slots inside it whose
 * scheduled checks all failed and ran within `onTimeMs` of their planned time, in every region. A
 * region whose checks for the outage only ran late (after a kill, past the job lock) saw the target
 * after it had recovered: without it no quorum of regions saw the outage, which is then not one the
 * verifier may page for (a region failing alone is a probe problem). Returns the regions that did
 * not see it on time, empty when the outage was observed.
 */
export async function regionsMissingOutage(
  db: Db,
  input: {
    monitorId: string;
    fromMs: number;
    toMs: number;
    regions: string[];
    onTimeMs: number;
    needed: number;
  },
): Promise<string[]> {
  const rows = await db
    .selectFrom('check_results')
    .select(['scheduled_at', 'checked_at', 'region', 'ok'])
    .where('monitor_id', '=', input.monitorId)
    .where('kind', '=', 'scheduled')
    .where('scheduled_at', '>=', new Date(input.fromMs))
    .where('scheduled_at', '<', new Date(input.toMs))
    .orderBy('scheduled_at')
    .execute();
  const slots = new Map<number, typeof rows>();
  for (const row of rows) {
    const at = row.scheduled_at.getTime();
    slots.set(at, [...(slots.get(at) ?? []), row]);
  }
  const seenOnTime = (row: (typeof rows)[number]) =>
    !row.ok && row.checked_at.getTime() - row.scheduled_at.getTime() <= input.onTimeMs;
  let run = 0;
  const missing = new Set(input.regions);
  for (const slot of slots.values()) {
    const late = input.regions.filter((region) => !slot.some((r) => r.region === region && seenOnTime(r)));
    if (late.length === 0) {
      run += 1;
      if (run >= input.needed) return [];
    } else {
      run = 0;
      for (const region of input.regions) if (!late.includes(region)) missing.delete(region);
    }
  }
  return input.regions.filter((region) => missing.has(region) || slots.size === 0);
}
