import { slotsBetween } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';

export interface WindowFigures {
  expected: number;
  persisted: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  /** Results of the checks that started in the window, whatever their slot: the divisor of the per-check costs. */
  checked: number;
}

/** How many slots fell in [from, to) for the monitors, and what the results table holds for them. */
export async function windowFigures(db: Db, from: Date, to: Date): Promise<WindowFigures> {
  const monitors = await db
    .selectFrom('monitors')
    .select(['id', 'interval_seconds'])
    .where('paused', '=', false)
    .execute();
  let expected = 0;
  for (const m of monitors)
    expected += slotsBetween(m.id, m.interval_seconds, from.getTime(), to.getTime()).length;
  const { rows } = await sql<{ persisted: number; p50: number | null; p99: number | null }>`
    SELECT count(*)::int AS persisted,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM checked_at - scheduled_at) * 1000) AS p50,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM checked_at - scheduled_at) * 1000) AS p99
    FROM check_results
    WHERE kind = 'scheduled' AND scheduled_at >= ${from} AND scheduled_at < ${to}
  `.execute(db);
  const row = rows[0];
  const started = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM check_results WHERE checked_at >= ${from} AND checked_at < ${to}`.execute(
    db,
  );
  return {
    checked: started.rows[0]?.n ?? 0,
    expected,
    persisted: row?.persisted ?? 0,
    lagP50Ms: row?.p50 === null || row?.p50 === undefined ? null : Math.round(row.p50),
    lagP99Ms: row?.p99 === null || row?.p99 === undefined ? null : Math.round(row.p99),
  };
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
}

/**
 * Samples when the verifier has consumed each result of a few monitors: polls `consumed_through`
 * every `everyMs` and, afterwards, matches each result to the first poll that covered it.
 */
export class VerdictSampler {
  private readonly polls: Array<{ at: number; through: Map<string, number> }> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly monitorIds: string[],
    private readonly everyMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const at = Date.now();
      void this.db
        .selectFrom('monitor_state')
        .select(['monitor_id', 'consumed_through'])
        .where('monitor_id', 'in', this.monitorIds)
        .execute()
        .then((rows) => {
          const through = new Map<string, number>();
          for (const r of rows)
            if (r.consumed_through) through.set(r.monitor_id, new Date(r.consumed_through).getTime());
          this.polls.push({ at, through });
        });
    }, this.everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** How many polls (the bench's own queries) started in [fromMs, toMs). */
  pollsBetween(fromMs: number, toMs: number): number {
    return this.polls.filter((p) => p.at >= fromMs && p.at < toMs).length;
  }

  /** Milliseconds from a result being complete (checked + latency) to the first poll that saw it consumed. */
  async latencies(from: Date, to: Date): Promise<number[]> {
    const results = await this.db
      .selectFrom('check_results')
      .select(['monitor_id', 'scheduled_at', 'checked_at', 'latency_ms'])
      .where('monitor_id', 'in', this.monitorIds)
      .where('scheduled_at', '>=', from)
      .where('scheduled_at', '<', to)
      .execute();
    const out: number[] = [];
    for (const r of results) {
      const scheduled = new Date(r.scheduled_at).getTime();
      const done = new Date(r.checked_at).getTime() + (r.latency_ms ?? 0);
      const poll = this.polls.find((p) => (p.through.get(r.monitor_id) ?? 0) >= scheduled);
      if (poll) out.push(Math.max(0, poll.at - done));
    }
    return out;
  }
}
