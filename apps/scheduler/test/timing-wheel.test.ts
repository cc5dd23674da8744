import { slotsBetween } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import type { ScheduledMonitor } from '../src/monitor-source';
import { planSlots } from '../src/plan';
import { commitShardPlan, planShardJobs } from '../src/shard-jobs';
import {
  applyMonitorChange,
  dueEntries,
  newShardState,
  reconcileShardState,
  refreshShardState,
  rewindShardState,
  type ShardState,
} from '../src/shard-state';
import { batchData, scheduledTcpMonitor } from './helpers';

const START = 1_700_000_000_000;
const TICK_MS = 250;
const LOOKAHEAD_MS = 3000;
const CATCH_UP = { catchUpIntervals: 2, catchUpMs: 15_000, maxCatchUpSlots: 10 };
const INTERVALS = [1, 2, 5, 10, 30, 60, 3600];

/** A small seeded generator, so a failure replays the same operations. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const monitor = (id: string, intervalSeconds: number, createdAtMs = 0) =>
  scheduledTcpMonitor(id, createdAtMs, 'org-a', intervalSeconds);

/**
 * What a tick must plan, the plain way: every monitor, every tick, with its own progress, as the
 * scheduler did before the wheel.
 */
class Reference {
  readonly monitors = new Map<string, { intervalSeconds: number; throughMs: number }>();
  watermarkMs: number;

  constructor(watermarkMs: number | null, monitors: ScheduledMonitor[], nowMs: number) {
    this.watermarkMs = watermarkMs ?? nowMs;
    for (const m of monitors) {
      const from = watermarkMs === null || m.createdAtMs > watermarkMs ? nowMs : watermarkMs;
      this.monitors.set(m.id, { intervalSeconds: m.intervalSeconds, throughMs: from });
    }
  }

  put(id: string, intervalSeconds: number, nowMs: number): void {
    const known = this.monitors.get(id);
    if (known) known.intervalSeconds = intervalSeconds;
    else this.monitors.set(id, { intervalSeconds, throughMs: nowMs });
  }

  tick(nowMs: number, untilMs: number): { slots: string[]; missed: number } {
    const slots: string[] = [];
    let missed = 0;
    for (const [id, m] of this.monitors) {
      const plan = planSlots({
        monitorId: id,
        intervalSeconds: m.intervalSeconds,
        enqueuedThroughMs: m.throughMs,
        nowMs,
        untilMs,
        ...CATCH_UP,
      });
      missed += plan.missed;
      for (const slot of plan.slots) slots.push(`${id}@${slot}`);
      m.throughMs = Math.max(m.throughMs, untilMs);
    }
    this.watermarkMs = Math.max(this.watermarkMs, untilMs);
    return { slots: slots.sort(), missed };
  }

  rewind(storedMs: number): void {
    if (storedMs >= this.watermarkMs) return;
    this.watermarkMs = storedMs;
    for (const m of this.monitors.values()) m.throughMs = Math.min(m.throughMs, storedMs);
  }
}

function tickWheel(state: ShardState, nowMs: number, untilMs: number) {
  const due = dueEntries(state, untilMs).length;
  const plan = planShardJobs(state, { nowMs, untilMs, regions: new Set(['local']), ...CATCH_UP });
  commitShardPlan(state, plan);
  const slots = (plan.jobsByRegion.get('local') ?? []).flatMap((job) =>
    batchData(job).checks.map((check) => `${check.spec.id}@${check.scheduledAtMs}`),
  );
  return { slots: slots.sort(), missed: plan.missed, due, planned: plan.nextSlots.size };
}

describe('the timing wheel', () => {
  it.each([1, 2, 3, 4])(
    'hands each tick exactly the slots a walk over every monitor would, through changes, pauses, deletes, rewinds and catch-up (seed %i)',
    (seed) => {
      const next = random(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
      const initial = Array.from({ length: 150 }, (_, i) =>
        monitor(`m-${seed}-${i}`, pick(INTERVALS), i % 3 === 0 ? START + 1 : 0),
      );
      let now = START;
      // A shard resumed from a watermark a minute back: catch-up from the first tick.
      const watermark = START - 60_000;
      const state = newShardState(0, watermark, initial, now);
      const reference = new Reference(watermark, initial, now);
      let created = initial.length;
      let ticks = 0;
      let slotCount = 0;

      for (let step = 0; step < 1600; step++) {
        const roll = next();
        const live = [...state.entries.keys()];
        if (roll < 0.03) {
          const id = `m-${seed}-${created++}`;
          const interval = pick(INTERVALS);
          applyMonitorChange(state, { orgId: 'org-a', monitorId: id }, monitor(id, interval), now);
          reference.put(id, interval, now);
        } else if (roll < 0.06 && live.length > 0) {
          const id = pick(live);
          const interval = pick(INTERVALS);
          applyMonitorChange(state, { orgId: 'org-a', monitorId: id }, monitor(id, interval), now);
          reference.put(id, interval, now);
        } else if (roll < 0.08 && live.length > 0) {
          // Paused or deleted: gone from the shard; a paused one may come back later as new.
          const id = pick(live);
          applyMonitorChange(state, { orgId: 'org-a', monitorId: id }, null, now);
          reference.monitors.delete(id);
        } else if (roll < 0.085) {
          // Redis came back from its append-only file without the last few seconds.
          const stored = state.watermarkMs - Math.floor(next() * 4000);
          rewindShardState(state, stored);
          reference.rewind(stored);
        } else if (roll < 0.09) {
          // The scheduler stalled: the next tick catches up (or counts slots as missed).
          now += Math.floor(next() * 40_000);
        } else if (roll < 0.095 && live.length > 0) {
          // A resync that found some monitors gone and one changed.
          const gone = new Set(live.filter(() => next() < 0.05));
          const changedId = pick(live);
          const interval = pick(INTERVALS);
          const changed = gone.has(changedId) ? [] : [monitor(changedId, interval)];
          reconcileShardState(state, (entry) => !gone.has(entry.monitor.id), changed, now);
          for (const id of gone) reference.monitors.delete(id);
          for (const m of changed) reference.put(m.id, m.intervalSeconds, now);
        } else if (roll < 0.097) {
          // A full resync: every monitor read again, one gone, one new.
          const kept = [...reference.monitors].slice(1).map(([id, m]) => monitor(id, m.intervalSeconds));
          const added = monitor(`m-${seed}-${created++}`, pick(INTERVALS));
          refreshShardState(state, [...kept, added], now);
          const first = [...reference.monitors.keys()][0];
          if (first !== undefined) reference.monitors.delete(first);
          reference.put(added.id, added.intervalSeconds, now);
        }
        now += TICK_MS;
        const wheel = tickWheel(state, now, now + LOOKAHEAD_MS);
        const expected = reference.tick(now, now + LOOKAHEAD_MS);
        expect(wheel.slots).toEqual(expected.slots);
        expect(wheel.missed).toBe(expected.missed);
        expect(state.watermarkMs).toBe(reference.watermarkMs);
        ticks++;
        slotCount += wheel.slots.length;
      }
      expect(ticks).toBe(1600);
      expect(slotCount).toBeGreaterThan(1000);
    },
  );

  it('looks at no monitor with nothing due: a tick touches only those it plans', () => {
    const monitors = Array.from({ length: 6000 }, (_, i) => monitor(`load-${i}`, 60));
    const state = newShardState(0, null, monitors, START);
    let touched = 0;
    let planned = 0;
    let lastUntil = START;
    for (let now = START + TICK_MS; now <= START + 120_000; now += TICK_MS) {
      lastUntil = now + LOOKAHEAD_MS;
      const tick = tickWheel(state, now, lastUntil);
      // Every monitor the wheel hands out has a slot in the window.
      expect(tick.due).toBe(tick.planned);
      expect(tick.planned).toBe(tick.slots.length);
      touched += tick.due;
      planned += tick.slots.length;
    }
    const slots = monitors.reduce(
      (sum, m) => sum + slotsBetween(m.id, 60, START + 1, lastUntil + 1).length,
      0,
    );
    expect(planned).toBe(slots);
    // About two looks per monitor in two minutes of a 60 s interval, not 480 (one per tick).
    expect(touched).toBe(slots);
    expect(slots).toBeLessThan(2.1 * monitors.length);
  });
});
