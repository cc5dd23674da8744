import { describe, expect, it } from 'vitest';
import {
  decideMonitor,
  expectedRegions,
  type MonitorDecisionInput,
  type StoredMonitorState,
  shownStatus,
  wholeSlots,
} from '../src/monitor-decision';
import { isActive, lifecycleStatus } from '../src/monitor-lifecycle';
import { createMonitorSchema, type MonitorStatus, type StoredMonitorConfig } from '../src/schemas/monitor';
import type { SlotResult } from '../src/verdict';
import { initialVerifierMemory } from '../src/verifier-memory';

/** A monitor as the API stores it: the create schema's defaults, channels apart. */
function config(overrides: Record<string, unknown> = {}): StoredMonitorConfig {
  const { channelIds: _channels, ...stored } = createMonitorSchema.parse({
    type: 'http',
    name: 'Checkout',
    url: 'https://shop.example.com/health',
    intervalSeconds: 10,
    timeoutMs: 2_000,
    regions: ['local'],
    ...overrides,
  });
  return stored as StoredMonitorConfig;
}

const result = (scheduledAtMs: number, ok: boolean, region = 'local'): SlotResult => ({
  scheduledAtMs,
  checkedAtMs: scheduledAtMs + 100,
  kind: 'scheduled',
  attempt: 0,
  region,
  ok,
  cause: ok ? null : 'HTTP 500',
});

const fresh: StoredMonitorState = {
  status: 'pending',
  sinceMs: 1,
  memory: initialVerifierMemory,
  consumedThroughMs: null,
};

const input = (over: Partial<MonitorDecisionInput<SlotResult>>): MonitorDecisionInput<SlotResult> => ({
  monitorId: '00000000-0000-4000-8000-000000000001',
  state: fresh,
  config: config(),
  results: [],
  truncated: false,
  maintenance: [],
  deploymentRegions: ['local'],
  latenessMs: 5_000,
  nowMs: 100_000,
  ...over,
});

describe('monitor life cycle', () => {
  it.each([
    { paused: false, status: undefined, active: true },
    { paused: false, status: 'up' as const, active: true },
    { paused: true, status: 'up' as const, active: false },
    { paused: false, status: 'paused' as const, active: false },
  ])('a monitor paused=$paused showing $status is active: $active', ({ paused, status, active }) => {
    expect(isActive({ paused, status: status ?? null })).toBe(active);
  });

  it('shows paused at once when paused and pending when created or resumed', () => {
    expect(lifecycleStatus(true)).toBe('paused');
    expect(lifecycleStatus(false)).toBe('pending');
  });
});

describe('expected regions', () => {
  it.each([
    { regions: ['eu', 'us'], deployment: ['eu', 'us', 'ap'], expected: ['eu', 'us'] },
    { regions: ['eu', 'us'], deployment: ['eu'], expected: ['eu'] },
    { regions: ['eu', 'us'], deployment: ['ap'], expected: ['eu', 'us'] },
  ])(
    'a monitor of $regions in a deployment of $deployment expects $expected',
    ({ regions, deployment, expected }) => {
      expect(expectedRegions(config({ regions }), deployment)).toEqual(expected);
    },
  );
});

describe('whole slots', () => {
  it('leaves the last slot of a truncated read for the next read', () => {
    const read = [result(10, true, 'eu'), result(20, true, 'eu'), result(20, true, 'us')];
    expect(wholeSlots(read, true).map((r) => r.scheduledAtMs)).toEqual([10]);
    expect(wholeSlots(read, false)).toHaveLength(3);
  });

  it('keeps a truncated read of a single slot whole rather than empty', () => {
    const read = [result(20, true, 'eu'), result(20, true, 'us')];
    expect(wholeSlots(read, true)).toHaveLength(2);
  });
});

describe('shown status and since', () => {
  const cases: {
    name: string;
    before: MonitorStatus;
    display: MonitorStatus | undefined;
    expected: { status: MonitorStatus; sinceMs: number | null };
  }[] = [
    {
      name: 'up takes the machine since',
      before: 'pending',
      display: 'up',
      expected: { status: 'up', sinceMs: 500 },
    },
    {
      name: 'no step keeps the status',
      before: 'down',
      display: undefined,
      expected: { status: 'down', sinceMs: 500 },
    },
    {
      name: 'flapping begins at the last check',
      before: 'up',
      display: 'flapping',
      expected: { status: 'flapping', sinceMs: 900 },
    },
    {
      name: 'flapping that goes on keeps its since',
      before: 'flapping',
      display: 'flapping',
      expected: { status: 'flapping', sinceMs: 40 },
    },
    {
      name: 'maintenance begins at the last check',
      before: 'up',
      display: 'maintenance',
      expected: { status: 'maintenance', sinceMs: 900 },
    },
  ];
  it.each(cases)('$name', ({ before, display, expected }) => {
    expect(
      shownStatus({
        before: { status: before, sinceMs: 40 },
        display,
        machineSinceMs: 500,
        lastCheckedAtMs: 900,
        nowMs: 1_000,
      }),
    ).toEqual(expected);
  });

  it('a status of its own begins now when no result was consumed', () => {
    expect(
      shownStatus({
        before: { status: 'up', sinceMs: 40 },
        display: 'flapping',
        machineSinceMs: 500,
        lastCheckedAtMs: null,
        nowMs: 1_000,
      }),
    ).toEqual({ status: 'flapping', sinceMs: 1_000 });
  });
});

describe('deciding a monitor', () => {
  it('consumes the results of a paused monitor without judging them, and waits for nothing', () => {
    const awaiting = {
      ...initialVerifierMemory,
      awaiting: { scheduledAtMs: 5, attempt: 1 },
      wakeAtMs: 7_005,
    };
    const decision = decideMonitor(
      input({
        config: config({ paused: true }),
        state: { ...fresh, status: 'paused', memory: awaiting },
        results: [result(10_000, false), result(20_000, false)],
      }),
    );
    expect(decision.outcome).toBeNull();
    expect(decision.next).toMatchObject({
      status: 'paused',
      sinceMs: 1,
      consumedThroughMs: 20_000,
      last: null,
    });
    expect(decision.next?.memory.awaiting).toBeNull();
    expect(decision.next?.memory.wakeAtMs).toBeNull();
  });

  it('writes nothing for a paused monitor with nothing to consume or wait for', () => {
    const decision = decideMonitor(input({ state: { ...fresh, status: 'paused' } }));
    expect(decision).toEqual({ outcome: null, next: null, more: false });
  });

  it('turns a first success into up, since its slot', () => {
    const decision = decideMonitor(input({ results: [result(10_000, true)] }));
    expect(decision.next).toMatchObject({ status: 'up', sinceMs: 10_000, consumedThroughMs: 10_000 });
    expect(decision.next?.last?.scheduledAtMs).toBe(10_000);
  });

  it('writes nothing when no result was consumed and memory did not change', () => {
    const decision = decideMonitor(
      input({ state: { ...fresh, status: 'up', memory: { ...initialVerifierMemory, status: 'up' } } }),
    );
    expect(decision.next).toBeNull();
    expect(decision.outcome?.steps).toEqual([]);
  });

  it('says more may wait when a truncated read was consumed to its end', () => {
    const results = [result(10_000, true), result(20_000, true)];
    expect(decideMonitor(input({ results, truncated: true })).more).toBe(true);
    expect(decideMonitor(input({ results, truncated: false })).more).toBe(false);
  });

  it('holds a slot missing an expected region of the deployment until its deadline', () => {
    const regional = config({ regions: ['eu', 'us'] });
    const decision = decideMonitor(
      input({
        config: regional,
        deploymentRegions: ['eu', 'us'],
        results: [result(10_000, false, 'eu')],
        nowMs: 11_000,
      }),
    );
    expect(decision.outcome?.held).toBe(1);
    expect(decision.next?.consumedThroughMs).toBeNull();
    expect(decision.next?.memory.wakeAtMs).toBeGreaterThan(11_000);
  });
});
