import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';

/**
 * Records, in the run's own throwaway database, when each result row landed and when the verifier
 * moved each monitor's consumed_through, both on the database's clock at the statement. A result
 * that landed after the verification that passed its slot had written cannot have been read by it.
 */
export async function installArrivalLog(db: Db): Promise<void> {
  await sql`
    CREATE TABLE chaos_arrivals (
      monitor_id uuid NOT NULL, scheduled_at timestamptz NOT NULL, region text NOT NULL,
      kind text NOT NULL, arrived_at timestamptz NOT NULL
    );
    CREATE INDEX ON chaos_arrivals (monitor_id, kind, scheduled_at);
    CREATE TABLE chaos_consumed (
      monitor_id uuid NOT NULL, consumed_through timestamptz NOT NULL, at timestamptz NOT NULL
    );
    CREATE INDEX ON chaos_consumed (monitor_id, consumed_through);
    GRANT INSERT ON chaos_arrivals, chaos_consumed TO PUBLIC;
    CREATE FUNCTION chaos_note_arrival() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO chaos_arrivals VALUES (NEW.monitor_id, NEW.scheduled_at, NEW.region, NEW.kind, clock_timestamp());
      RETURN NULL;
    END $$;
    CREATE TRIGGER chaos_arrival AFTER INSERT ON check_results
      FOR EACH ROW EXECUTE FUNCTION chaos_note_arrival();
    CREATE FUNCTION chaos_note_consumed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO chaos_consumed VALUES (NEW.monitor_id, NEW.consumed_through, clock_timestamp());
      RETURN NULL;
    END $$;
    CREATE TRIGGER chaos_consumed AFTER UPDATE OF consumed_through ON monitor_state
      FOR EACH ROW WHEN (NEW.consumed_through IS DISTINCT FROM OLD.consumed_through
        AND NEW.consumed_through IS NOT NULL)
      EXECUTE FUNCTION chaos_note_consumed();
  `.execute(db);
}

export interface RegionArrivals {
  /** Result rows written (scheduled and confirmation). */
  results: number;
  /** Rows that landed after the verifier had consumed past their slot: each must be counted late. */
  afterPassed: number;
  /** How far past the verification that passed them those rows landed, at most (seconds). */
  maxAfterPassedSeconds: number;
  /** Rows in `late_results` (null without the table), and rows landed after their slot missing from it. */
  recordedLate: number | null;
  afterPassedNotRecorded: number | null;
}

/**
 * Per region: results written, those that landed behind the verifier's consumed_through, and how
 * the verifier's `late_results` table (where it exists) accounts for them.
 */
export async function arrivalsByRegion(db: Db): Promise<Record<string, RegionArrivals>> {
  const table = await sql<{ t: string | null }>`SELECT to_regclass('late_results')::text AS t`.execute(db);
  const withTable = Boolean(table.rows[0]?.t);
  const recorded = withTable
    ? sql`(SELECT count(*) FROM late_results l WHERE l.region = p.region)::int`
    : sql`NULL::int`;
  const notRecorded = withTable
    ? sql`count(*) FILTER (WHERE arrived_at > passed_at AND NOT EXISTS (
        SELECT 1 FROM late_results l WHERE l.monitor_id = p.monitor_id AND l.scheduled_at = p.scheduled_at
          AND l.region = p.region AND l.kind = p.kind))::int`
    : sql`NULL::int`;
  const { rows } = await sql<{
    region: string;
    results: number;
    after: number;
    max_after: number | null;
    recorded: number | null;
    not_recorded: number | null;
  }>`
    WITH p AS (
      SELECT a.monitor_id, a.scheduled_at, a.region, a.kind, a.arrived_at,
        (SELECT min(c.at) FROM chaos_consumed c
          WHERE c.monitor_id = a.monitor_id AND c.consumed_through >= a.scheduled_at) AS passed_at
      FROM chaos_arrivals a
    )
    SELECT region, count(*)::int AS results,
      count(*) FILTER (WHERE arrived_at > passed_at)::int AS after,
      max(extract(epoch FROM arrived_at - passed_at)) FILTER (WHERE arrived_at > passed_at)::float AS max_after,
      ${recorded} AS recorded, ${notRecorded} AS not_recorded
    FROM p GROUP BY region ORDER BY region
  `.execute(db);
  return Object.fromEntries(
    rows.map((r) => [
      r.region,
      {
        results: r.results,
        afterPassed: r.after,
        maxAfterPassedSeconds: r.max_after ?? 0,
        recordedLate: r.recorded,
        afterPassedNotRecorded: r.not_recorded,
      },
    ]),
  );
}

/**
 * Scheduled results that landed after a later slot's result of the same monitor and region (writes
 * reordered), in all and among those that landed in [fromMs, toMs).
 */
export async function reorderedArrivals(
  db: Db,
  fromMs: number,
  toMs: number,
): Promise<{ total: number; inWindow: number }> {
  const { rows } = await sql<{ total: number; in_window: number }>`
    SELECT count(*)::int AS total,
      count(*) FILTER (WHERE a.arrived_at >= ${new Date(fromMs)} AND a.arrived_at < ${new Date(toMs)})::int AS in_window
    FROM chaos_arrivals a
    WHERE a.kind = 'scheduled' AND EXISTS (
      SELECT 1 FROM chaos_arrivals b
      WHERE b.monitor_id = a.monitor_id AND b.region = a.region AND b.kind = 'scheduled'
        AND b.scheduled_at > a.scheduled_at AND b.arrived_at < a.arrived_at
    )
  `.execute(db);
  return { total: rows[0]?.total ?? 0, inWindow: rows[0]?.in_window ?? 0 };
}

/**
 * Scheduled results stamped as checked before their slot, by region (the mark of a worker clock
 * ahead), with how far before it the earliest was.
 */
export async function checkedBeforeSlot(db: Db): Promise<Record<string, { n: number; maxMs: number }>> {
  const { rows } = await sql<{ region: string; n: number; max_ms: number }>`
    SELECT region, count(*)::int AS n,
      max(extract(epoch FROM scheduled_at - checked_at) * 1000)::float AS max_ms
    FROM check_results
    WHERE kind = 'scheduled' AND checked_at < scheduled_at GROUP BY region ORDER BY region
  `.execute(db);
  return Object.fromEntries(rows.map((r) => [r.region, { n: r.n, maxMs: Math.round(r.max_ms) }]));
}

/** Monitors whose consumed_through is before `atMs` (the verifier has not caught up with them). */
export async function behindVerifier(db: Db, atMs: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM monitor_state
    WHERE consumed_through IS NULL OR consumed_through < ${new Date(atMs)}
  `.execute(db);
  return rows[0]?.n ?? 0;
}

/** A counter's values by one label from a Prometheus text exposition; absent when it is not exported. */
export function counterByLabel(text: string, name: string, label: string): Record<string, number> | null {
  if (!text.includes(`# TYPE ${name} `)) return null;
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const key = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1] ?? '';
    values[key] = (values[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return values;
}

/**
 * The verifier's `sentinel_results_late_total` and the `late_results` rows, by region, read as one
 * pair: the counter before and after the table must agree, else it is read again (bounded). Results
 * go on arriving after the chaos, so a counter and a table read apart can differ by what came between.
 */
export async function lateCounts(
  db: Db,
  scrape: () => Promise<string>,
  tries = 10,
): Promise<{ metric: Record<string, number> | null; rows: Record<string, number> | null }> {
  const table = await sql<{ t: string | null }>`SELECT to_regclass('late_results')::text AS t`.execute(db);
  let pair: { metric: Record<string, number> | null; rows: Record<string, number> | null } = {
    metric: null,
    rows: null,
  };
  for (let i = 0; i < tries; i++) {
    const before = counterByLabel(await scrape(), 'sentinel_results_late_total', 'region');
    const rows = table.rows[0]?.t
      ? Object.fromEntries(
          (
            await sql<{ region: string; n: number }>`
              SELECT region, count(*)::int AS n FROM late_results GROUP BY region ORDER BY region
            `.execute(db)
          ).rows.map((r) => [r.region, r.n]),
        )
      : null;
    const after = counterByLabel(await scrape(), 'sentinel_results_late_total', 'region');
    pair = { metric: after, rows };
    if (JSON.stringify(before) === JSON.stringify(after)) return pair;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return pair;
}
