import {
  CHECK_BATCH_JOB,
  type CheckSpec,
  checkBatchJobId,
  MAX_BATCH_SPAN_MS,
  MAX_CHECKS_PER_BATCH,
  slotsBetween,
} from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import { scheduledMonitor } from '../src/monitor-source';
import { commitShardPlan, planShardJobs } from '../src/shard-jobs';
import { applyMonitorChange, enqueuedThrough, newShardState, refreshShardState } from '../src/shard-state';
import { batchData, scheduledTcpMonitor } from './helpers';

const NOW = 1_000_000;
const WATERMARK = 990_000;

const monitor = scheduledTcpMonitor;

const progress = (state: ReturnType<typeof newShardState>) =>
  Object.fromEntries([...state.entries].map(([id, entry]) => [id, enqueuedThrough(state, entry)]));

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
    (p.jobsByRegion.get('local') ?? []).flatMap((j) => batchData(j).checks.map((c) => c.scheduledAtMs));

  it('skips a monitor until its next slot comes within the lookahead, then enqueues every slot once', () => {
    const m = monitor('m-hourly', 5, 'org-a', 3600);
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
    const m = monitor('m-change', 5, 'org-a', 3600);
    const state = newShardState(0, null, [m], NOW);
    commitShardPlan(state, plan(state, NOW));
    applyMonitorChange(state, { orgId: 'org-a', monitorId: 'm-change' }, monitor('m-change', 5), NOW);
    const slots = slotsOf(plan(state, NOW + 10_000));
    expect(slots).toEqual(slotsBetween('m-change', 10, NOW + 3001, NOW + 13_001));
    expect(slots).toHaveLength(1);
  });
});

describe('batch jobs', () => {
  const fleet = (count: number, intervalSeconds: number) =>
    Array.from({ length: count }, (_, i) => monitor(`m-${i}`, 5, 'org-a', intervalSeconds, ['local', 'eu']));

  it('puts every slot a tick plans in one job per region, delayed until its earliest slot', () => {
    const state = newShardState(3, WATERMARK, fleet(40, 1), NOW);
    commitShardPlan(
      state,
      planShardJobs(state, {
        nowMs: NOW,
        untilMs: NOW,
        regions: new Set(['local', 'eu']),
        catchUpIntervals: 2,
      }),
    );
    const p = planShardJobs(state, {
      nowMs: NOW,
      untilMs: NOW + 1000,
      regions: new Set(['local', 'eu']),
      catchUpIntervals: 2,
    });
    for (const region of ['local', 'eu']) {
      const jobs = p.jobsByRegion.get(region) ?? [];
      expect(jobs).toHaveLength(1);
      const [job] = jobs;
      // Each 1 s monitor has exactly one slot in the 1 s window.
      expect(
        batchData(job)
          .checks.map((c) => c.spec.id)
          .sort(),
      ).toEqual(
        fleet(40, 1)
          .map((m) => m.id)
          .sort(),
      );
      const slots = batchData(job).checks.map((c) => c.scheduledAtMs) ?? [];
      expect(slots).toEqual([...slots].sort((a, b) => a - b));
      expect(batchData(job)).toMatchObject({ shard: 3, region, kind: 'scheduled' });
      expect(job).toMatchObject({
        name: CHECK_BATCH_JOB,
        opts: {
          jobId: checkBatchJobId(3, region, NOW, NOW + 1000, 0),
          delay: (slots[0] ?? 0) - NOW,
          attempts: 3,
        },
      });
    }
  });

  it("writes a job as JSON.stringify writes its CheckBatchJob of the monitors' specs", () => {
    const specs = new Map<string, CheckSpec>();
    const lean = (spec: CheckSpec) => {
      specs.set(spec.id, spec);
      return scheduledMonitor({
        id: spec.id,
        orgId: spec.orgId,
        createdAtMs: 5,
        intervalSeconds: 1,
        regions: ['local'],
        spec,
        version: 7,
      });
    };
    const http = (id: string, name: string, secretsVersion?: number) =>
      lean({
        id,
        orgId: 'org-"b"',
        type: 'http',
        name,
        url: `http://127.0.0.1:9/${id}?key=****`,
        method: 'GET',
        headers: { accept: 'text/plain' },
        body: null,
        followRedirects: false,
        timeoutMs: 100,
        intervalSeconds: 1,
        assertions: [{ source: 'status', op: 'between', value: [200, 299] }],
        ...(secretsVersion === undefined ? {} : { secretsVersion }),
      });
    const monitors = [
      lean({
        id: 'tcp-1',
        orgId: 'org-a',
        type: 'tcp',
        name: 'tcp',
        host: 'h',
        port: 1,
        timeoutMs: 100,
        intervalSeconds: 1,
        assertions: [],
      }),
      http('http-1', 'quoted "name"\nnext line', 7),
      http('http-2', 'plain', 6),
      http('http-3', 'no secrets'),
    ];
    const [job, ...more] =
      planShardJobs(newShardState(2, NOW, monitors, NOW), {
        nowMs: NOW,
        untilMs: NOW + 999,
        regions: new Set(['local']),
        catchUpIntervals: 2,
      }).jobsByRegion.get('local') ?? [];
    expect(more).toHaveLength(0);
    expect(job?.checks).toBe(4);
    const checks = batchData(job).checks;
    expect(checks.map((c) => c.spec.id).sort()).toEqual([...specs.keys()].sort());
    expect(job?.data.json).toBe(
      JSON.stringify({
        shard: 2,
        region: 'local',
        kind: 'scheduled',
        checks: checks.map((c) => ({
          spec: specs.get(c.spec.id),
          scheduledAtMs: c.scheduledAtMs,
          configVersion: 7,
        })),
      }),
    );
  });

  it(`splits a window into jobs of at most ${MAX_CHECKS_PER_BATCH} checks and ${MAX_BATCH_SPAN_MS} ms of slots`, () => {
    const threeSeconds = (count: number) =>
      planShardJobs(newShardState(0, NOW, fleet(count, 1), NOW), {
        nowMs: NOW,
        untilMs: NOW + 3000,
        regions: new Set(['local']),
        catchUpIntervals: 2,
      }).jobsByRegion.get('local') ?? [];
    const jobs = threeSeconds(600);
    const slots = jobs.flatMap((job) => batchData(job).checks.map((c) => `${c.spec.id}@${c.scheduledAtMs}`));
    expect(slots).toHaveLength(1800);
    expect(new Set(slots).size).toBe(1800);
    expect(new Set(jobs.map((job) => job.opts.jobId)).size).toBe(jobs.length);
    for (const job of jobs) {
      const times = batchData(job).checks.map((c) => c.scheduledAtMs);
      expect(times.length).toBeLessThanOrEqual(MAX_CHECKS_PER_BATCH);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThan(MAX_BATCH_SPAN_MS);
      expect(job.opts.delay).toBe(Math.min(...times) - NOW);
    }
    expect(jobs.length).toBeGreaterThanOrEqual(1800 / MAX_CHECKS_PER_BATCH);
    // Few checks over three seconds: split by their spread alone.
    expect(threeSeconds(10).length).toBeGreaterThanOrEqual(3);
  });
});
