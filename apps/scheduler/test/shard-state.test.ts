import { slotsBetween } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import type { ScheduledMonitor } from '../src/monitor-source';
import { commitShardPlan, planShardJobs } from '../src/shard-jobs';
import { applyMonitorChange, newShardState, refreshShardState } from '../src/shard-state';

const NOW = 1_000_000;
const WATERMARK = 990_000;

function monitor(id: string, createdAtMs: number, orgId = 'org-a'): ScheduledMonitor {
  return {
    id,
    orgId,
    createdAtMs,
    intervalSeconds: 10,
    regions: ['local'],
    spec: {
      id,
      orgId,
      type: 'tcp',
      name: id,
      host: 'h',
      port: 1,
      timeoutMs: 100,
      intervalSeconds: 10,
      assertions: [],
    },
    version: 1,
  };
}

const progress = (state: ReturnType<typeof newShardState>) =>
  Object.fromEntries([...state.entries].map(([id, entry]) => [id, entry.enqueuedThroughMs]));

describe('newShardState', () => {
  it.each([
    {
      name: 'resumes a monitor older than the watermark from the watermark',
      watermark: WATERMARK,
      created: 5,
      from: WATERMARK,
    },
    {
      name: 'starts a monitor created after the watermark after now',
      watermark: WATERMARK,
      created: WATERMARK + 1,
      from: NOW,
    },
    {
      name: 'starts every monitor after now on a shard never scheduled',
      watermark: null,
      created: 5,
      from: NOW,
    },
  ])('$name', ({ watermark, created, from }) => {
    const state = newShardState(3, watermark, [monitor('m', created)], NOW);
    expect(progress(state)).toEqual({ m: from });
    expect(state.watermarkMs).toBe(watermark ?? NOW);
  });
});

describe('applyMonitorChange', () => {
  const base = () => {
    const state = newShardState(0, WATERMARK, [monitor('kept', 1)], NOW);
    (state.entries.get('kept') as { enqueuedThroughMs: number }).enqueuedThroughMs = NOW + 3000;
    return state;
  };

  it.each([
    {
      name: 'adds a new monitor starting after now',
      id: 'new',
      org: 'org-a',
      gone: false,
      expected: { kept: NOW + 3000, new: NOW },
    },
    {
      name: 'updates a known monitor and keeps its progress',
      id: 'kept',
      org: 'org-a',
      gone: false,
      expected: { kept: NOW + 3000 },
    },
    { name: 'removes a monitor that is gone or paused', id: 'kept', org: 'org-a', gone: true, expected: {} },
    {
      name: 'ignores a removal announced for another organization',
      id: 'kept',
      org: 'org-b',
      gone: true,
      expected: { kept: NOW + 3000 },
    },
  ])('$name', ({ id, org, gone, expected }) => {
    const state = base();
    applyMonitorChange(state, { orgId: org, monitorId: id }, gone ? null : monitor(id, NOW, org), NOW);
    expect(progress(state)).toEqual(expected);
  });
});

describe('refreshShardState', () => {
  it('keeps the progress of known monitors, adds new ones after now and drops the missing', () => {
    const state = newShardState(0, WATERMARK, [monitor('kept', 1), monitor('dropped', 1)], NOW);
    refreshShardState(state, [monitor('kept', 1), monitor('found', 1)], NOW + 500);
    expect(progress(state)).toEqual({ kept: WATERMARK, found: NOW + 500 });
  });
});

describe('planning ticks with remembered next slots', () => {
  const plan = (state: ReturnType<typeof newShardState>, nowMs: number) =>
    planShardJobs(state, { nowMs, untilMs: nowMs + 3000, regions: new Set(['local']), catchUpIntervals: 2 });
  const slotsOf = (p: ReturnType<typeof plan>) =>
    (p.jobsByRegion.get('local') ?? []).map((j) => j.data.scheduledAtMs);

  it('skips a monitor until its next slot comes within the lookahead, then enqueues every slot once', () => {
    const m = monitor('m-hourly', 5);
    m.intervalSeconds = 3600;
    const state = newShardState(0, null, [m], NOW);
    const enqueued: number[] = [];
    let planned = 0;
    for (let now = NOW; now < NOW + 2 * 3_600_000; now += 250) {
      const p = plan(state, now);
      planned += p.nextSlots.size;
      enqueued.push(...slotsOf(p));
      commitShardPlan(state, p);
    }
    expect(enqueued).toEqual(slotsBetween('m-hourly', 3600, NOW + 1, NOW + 2 * 3_600_000 - 250 + 3000 + 1));
    expect(enqueued).toHaveLength(2);
    // Looked at on the first tick and once per enqueued slot, not on each of the 28,800 ticks.
    expect(planned).toBeLessThanOrEqual(3);
  });

  it('forgets the remembered slot when the monitor changes, so a shorter interval is planned at once', () => {
    const m = monitor('m-change', 5);
    m.intervalSeconds = 3600;
    const state = newShardState(0, null, [m], NOW);
    commitShardPlan(state, plan(state, NOW));
    applyMonitorChange(state, { orgId: 'org-a', monitorId: 'm-change' }, { ...m, intervalSeconds: 10 }, NOW);
    const slots = slotsOf(plan(state, NOW + 10_000));
    expect(slots).toEqual(slotsBetween('m-change', 10, NOW + 3001, NOW + 13_001));
    expect(slots).toHaveLength(1);
  });
});
