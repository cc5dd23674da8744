import { describe, expect, it } from 'vitest';
import { type ConsumeOutcome, consumeResults, type VerifyConfig } from '../src/consume-results';
import { isSilent, missingRegionsNote } from '../src/region-liveness';
import {
  defaultResultLatenessMs,
  lateResults,
  recordGaps,
  slotsMissingBetween,
} from '../src/result-lateness';
import { slotsBetween } from '../src/slots';
import type { SlotResult } from '../src/verdict';
import { initialVerifierMemory, type VerifierMemory } from '../src/verifier-memory';

const monitorId = '0f0e0d0c-0b0a-4000-8000-000000000001';
// Slot deadline: planned + timeout (2 s) + lateness (25 s) = 27 s; silence: 2 intervals (20 s) past that.
const config: VerifyConfig = {
  failureThreshold: 2,
  recoveryThreshold: 2,
  retryIntervalSeconds: 5,
  timeoutMs: 2_000,
  latenessMs: defaultResultLatenessMs(10_000),
  intervalSeconds: 10,
  monitorId,
  expectedRegions: ['eu', 'us'],
};
const DEADLINE = 27_000;
const slots = slotsBetween(monitorId, 10, 1_800_000_000_000, 1_800_000_100_000);
const slot = (k: number) => slots[k] as number;

const at = (k: number, region: string, ok: boolean): SlotResult => ({
  scheduledAtMs: slot(k),
  checkedAtMs: slot(k) + 200,
  kind: 'scheduled',
  attempt: 0,
  region,
  ok,
  cause: ok ? null : 'HTTP 500',
});

interface State {
  memory: VerifierMemory;
  through: number | null;
}

/** One verification at `nowMs` over everything stored, as the verifier runs it. */
function run(state: State, stored: SlotResult[], nowMs: number, over: Partial<VerifyConfig> = {}) {
  const out: ConsumeOutcome<SlotResult> = consumeResults({
    memory: state.memory,
    consumedThroughMs: state.through,
    results: stored,
    config: { ...config, ...over },
    nowMs,
  });
  return { out, state: { memory: out.memory, through: out.consumedThroughMs } };
}

/** Both regions up through slot 0, as a monitor that has been running. */
function running(): { state: State; stored: SlotResult[] } {
  const stored = [at(0, 'eu', true), at(0, 'us', true)];
  const { state } = run({ memory: initialVerifierMemory, through: null }, stored, slot(0) + 500);
  return { state, stored };
}

describe('allowed lateness', () => {
  it('defaults to two job locks plus a margin for the write, on top of the timeout', () => {
    expect(defaultResultLatenessMs(10_000)).toBe(25_000);
    expect(defaultResultLatenessMs(30_000)).toBe(65_000);
  });
});

describe('the late result', () => {
  it('a region missing at the deadline leaves a gap, and its result arriving afterwards is counted late', () => {
    let { state, stored } = running();
    stored = [...stored, at(1, 'eu', true)];
    ({ state } = run(state, stored, slot(1) + DEADLINE + 1));
    expect(state.through).toBe(slot(1));
    const arrived = at(1, 'us', true);
    expect(lateResults(state.memory.gaps, [arrived])).toEqual([arrived]);
  });

  it('a result of a slot judged with its region is never counted late', () => {
    const { state } = running();
    expect(lateResults(state.memory.gaps, [at(0, 'us', true), at(0, 'eu', true)])).toEqual([]);
  });

  it('a gap closes when its region reports again, so later judged slots are not in it', () => {
    let gaps = recordGaps({}, { fromMs: 10, toMs: 10 }, ['us'], ['eu']);
    gaps = recordGaps(gaps, { fromMs: 20, toMs: 20 }, ['us'], ['eu']);
    gaps = recordGaps(gaps, { fromMs: 30, toMs: 30 }, [], ['eu', 'us']);
    gaps = recordGaps(gaps, { fromMs: 40, toMs: 40 }, ['us'], ['eu']);
    expect(gaps.us).toEqual([
      { fromMs: 10, toMs: 20, open: false },
      { fromMs: 40, toMs: 40, open: true },
    ]);
    const judged = { region: 'us', scheduledAtMs: 30 };
    expect(lateResults(gaps, [judged])).toEqual([]);
  });
});

describe('the out-of-order pair', () => {
  it('holds slot 2 while slot 1 may still come, then judges both in slot order', () => {
    let { state, stored } = running();
    stored = [...stored, at(2, 'eu', true), at(2, 'us', false)];
    const held = run(state, stored, slot(2) + 500);
    expect(held.out.held).toBe(2);
    expect(held.out.consumedThroughMs).toBe(slot(0));
    expect(held.out.memory.wakeAtMs).toBe(slot(1) + DEADLINE);
    state = held.state;
    stored = [...stored, at(1, 'eu', false), at(1, 'us', true)];
    const judged = run(state, stored, slot(2) + 700);
    expect(judged.out.steps.map((s) => s.verdict.scheduledAtMs)).toEqual([slot(1), slot(2)]);
    expect(judged.out.steps.map((s) => s.probeProblem?.regions)).toEqual([['eu'], ['us']]);
    expect(judged.out.memory.gaps).toEqual({});
  });

  it('asks no confirmation of a slot decided after its planned re-check time: the next slot confirms', () => {
    let { state, stored } = running();
    stored = [...stored, at(2, 'eu', false), at(2, 'us', false)];
    ({ state } = run(state, stored, slot(2) + 500));
    stored = [...stored, at(1, 'eu', false), at(1, 'us', false)];
    const { out } = run(state, stored, slot(2) + 700);
    expect(out.confirmation).toBeNull();
    expect(out.steps.map((s) => s.transition?.to ?? null)).toEqual([null, 'down']);
  });

  it('judges slot 2 once slot 1 is past its lateness, and counts slot 1 late when it comes', () => {
    let { state, stored } = running();
    stored = [...stored, at(2, 'eu', true), at(2, 'us', true)];
    ({ state } = run(state, stored, slot(1) + DEADLINE + 1));
    expect(state.through).toBe(slot(2));
    const late = [at(1, 'eu', true), at(1, 'us', true)];
    expect(lateResults(state.memory.gaps, late)).toEqual(late);
  });

  it('knows the planned slots strictly between two slots', () => {
    expect(slotsMissingBetween(monitorId, 10, slot(0), slot(3))).toEqual({
      firstMs: slot(1),
      lastMs: slot(2),
    });
    expect(slotsMissingBetween(monitorId, 10, slot(0), slot(1))).toBeNull();
    // Not a planned slot at this interval (the interval changed): nothing is known to be missing.
    expect(slotsMissingBetween(monitorId, 10, slot(0), slot(3) + 1)).toBeNull();
  });
});

describe('the inconclusive slot', () => {
  it('a failure from one region while the other is missing but not yet silent opens nothing', () => {
    let { state, stored } = running();
    stored = [...stored, at(1, 'eu', false)];
    const { out, state: next } = run(state, stored, slot(1) + DEADLINE + 1);
    expect(out.inconclusive).toBe(1);
    expect(out.steps).toEqual([]);
    expect(out.confirmation).toBeNull();
    state = next;
    expect(state.memory.status).toBe('up');
    expect(state.memory.consecutiveFailures).toBe(0);
  });

  it('resolves nothing either: a down monitor stays down on an inconclusive good slot', () => {
    let { state, stored } = running();
    state = {
      ...state,
      memory: { ...state.memory, status: 'down', announced: 'down', consecutiveSuccesses: 0 },
    };
    stored = [...stored, at(1, 'eu', true)];
    ({ state } = run(state, stored, slot(1) + DEADLINE + 1));
    expect(state.memory.status).toBe('down');
    expect(state.memory.consecutiveSuccesses).toBe(0);
  });
});

describe('region degraded and restored', () => {
  it('declares a region silent for two intervals past its deadline degraded, then decides over the live ones', () => {
    let { state, stored } = running();
    const events: string[] = [];
    const causes: (string | null)[] = [];
    for (const k of [1, 2]) {
      stored = [...stored, at(k, 'eu', false)];
      const { out, state: next } = run(state, stored, slot(k) + DEADLINE + 1);
      events.push(...out.regionEvents.map((e) => `${k}:${e.event}:${e.region}`));
      causes.push(...out.steps.map((s) => s.verdict.cause));
      state = next;
    }
    expect(events).toEqual(['2:region.degraded:us']);
    expect(state.memory.degraded).toEqual(['us']);
    expect(causes).toEqual(['HTTP 500 (region us not reporting)']);
  });

  it('restores the region as soon as it reports again', () => {
    let { state, stored } = running();
    state = { ...state, memory: { ...state.memory, degraded: ['us'] } };
    stored = [...stored, at(1, 'eu', true), at(1, 'us', true)];
    const { out } = run(state, stored, slot(1) + 500);
    expect(out.regionEvents.map((e) => `${e.event}:${e.region}`)).toEqual(['region.restored:us']);
    expect(out.memory.degraded).toEqual([]);
  });

  it('is silent after exactly two intervals plus the allowed lateness', () => {
    expect(isSilent(0, 20_000 + DEADLINE, 10_000, DEADLINE)).toBe(false);
    expect(isSilent(0, 20_001 + DEADLINE, 10_000, DEADLINE)).toBe(true);
  });
});

describe('quorum over live regions', () => {
  const three: Partial<VerifyConfig> = { expectedRegions: ['ap', 'eu', 'us'] };
  const degradedAp = (): State => ({
    memory: {
      ...initialVerifierMemory,
      status: 'up',
      announced: 'up',
      degraded: ['ap'],
      lastSlotMs: slot(0),
    },
    through: slot(0),
  });

  it.each([
    {
      name: 'one of two live regions failing is a probe problem',
      eu: false,
      us: true,
      ok: true,
      cause: null,
    },
    {
      name: 'every live region failing fails the slot and names the missing one',
      eu: false,
      us: false,
      ok: false,
      cause: 'HTTP 500 from 2 of 2 regions (region ap not reporting)',
    },
  ])('$name', ({ eu, us, ok, cause }) => {
    const { out } = run(degradedAp(), [at(1, 'eu', eu), at(1, 'us', us)], slot(1) + 500, three);
    expect(out.steps.map((s) => ({ ok: s.verdict.ok, cause: s.verdict.cause }))).toEqual([{ ok, cause }]);
  });

  it('an outage every live region sees alerts, after its confirmation', () => {
    let state = degradedAp();
    const confirm = (region: string): SlotResult => ({
      ...at(1, region, false),
      kind: 'confirmation',
      attempt: 1,
      scheduledAtMs: slot(1) + 5_000,
    });
    const stored: SlotResult[] = [at(1, 'eu', false), at(1, 'us', false)];
    const transitions: string[] = [];
    for (const nowMs of [slot(1) + 500, slot(1) + 5_500]) {
      const { out, state: next } = run(state, stored, nowMs, three);
      transitions.push(...out.steps.flatMap((s) => (s.transition ? [s.transition.to] : [])));
      state = next;
      stored.push(confirm('eu'), confirm('us'));
    }
    expect(transitions).toEqual(['down']);
    expect(state.memory.downCause).toBe('HTTP 500 from 2 of 2 regions (region ap not reporting)');
  });

  it('names several missing regions in one note', () => {
    expect(missingRegionsNote(['us', 'ap'])).toBe(' (regions ap, us not reporting)');
  });
});

describe('a degraded region reporting again late', () => {
  // us went silent after slot 0 and was declared degraded; eu's slots are judged without waiting for it.
  const degradedUs = (): State => ({
    memory: {
      ...initialVerifierMemory,
      status: 'up',
      announced: 'up',
      degraded: ['us'],
      seen: { eu: slot(4), us: slot(0) },
      lastSlotMs: slot(4),
    },
    through: slot(4),
  });
  const late = (k: number) => [{ region: 'us', scheduledAtMs: slot(k) }];

  it.each([
    { name: 'a late result of a recent slot restores it', k: 4, restored: true },
    { name: 'a late result of a slot still past the silence does not', k: 1, restored: false },
  ])('$name', ({ k, restored }) => {
    const out = consumeResults({
      memory: degradedUs().memory,
      consumedThroughMs: slot(4),
      results: [],
      config,
      nowMs: slot(4) + 20_000,
      late: late(k),
    });
    expect(out.regionEvents.map((e) => `${e.event}:${e.region}`)).toEqual(
      restored ? ['region.restored:us'] : [],
    );
    expect(out.memory.degraded).toEqual(restored ? [] : ['us']);
    expect(out.memory.seen.us).toBe(slot(k));
  });

  it('once restored, the next slot waits for it again instead of being judged on eu alone', () => {
    const { memory, through } = degradedUs();
    const out = consumeResults({
      memory,
      consumedThroughMs: through,
      results: [at(5, 'eu', false)],
      config,
      nowMs: slot(5) + 500,
      late: late(4),
    });
    expect(out.memory.degraded).toEqual([]);
    expect(out.held).toBe(1);
    expect(out.steps).toEqual([]);
    expect(out.memory.wakeAtMs).toBe(slot(5) + DEADLINE);
  });
});

describe('a re-check and the slots after it', () => {
  it('a failure decided after its re-check time (a paused database) asks for none, and the next failed slot pages', () => {
    // Slots 1 and 2 failed everywhere, and both reached the verifier only after slot 2.
    const { state, stored } = running();
    const all = [...stored, at(1, 'eu', false), at(1, 'us', false), at(2, 'eu', false), at(2, 'us', false)];
    const { out, state: next } = run(state, all, slot(2) + 3_000);
    expect(out.steps.map((s) => s.verdict.scheduledAtMs)).toEqual([slot(1), slot(2)]);
    expect(out.steps.map((s) => s.transition?.to ?? null)).toEqual([null, 'down']);
    expect(out.confirmation).toBeNull();
    expect(next.memory.awaiting).toBeNull();
  });

  it('a failure decided in time asks for its re-check at the planned time', () => {
    const { state, stored } = running();
    const { out } = run(state, [...stored, at(1, 'eu', false), at(1, 'us', false)], slot(1) + 500);
    expect(out.confirmation).toEqual({ scheduledAtMs: slot(1) + 5_000, attempt: 1 });
  });
});

describe('one clock for what orders events', () => {
  it('stamps transitions with the slot planned time, so a worker clock ahead cannot put an up before its down', () => {
    let { state, stored } = running();
    const ahead = (r: SlotResult): SlotResult => ({ ...r, checkedAtMs: r.scheduledAtMs + 5_000 });
    const transitions: { to: string; atMs: number }[] = [];
    for (const [k, ok] of [
      [1, false],
      [2, true],
    ] as const) {
      stored = [...stored, ahead(at(k, 'eu', ok)), at(k, 'us', ok)];
      const { out, state: next } = run(state, stored, slot(k) + 500, {
        failureThreshold: 1,
        recoveryThreshold: 1,
      });
      transitions.push(...out.steps.flatMap((s) => (s.transition ? [s.transition] : [])));
      state = next;
    }
    expect(transitions.map((t) => [t.to, t.atMs])).toEqual([
      ['down', slot(1)],
      ['up', slot(2)],
    ]);
  });
});

describe('a stalled replica', () => {
  it('holding one region past the job lock while the other blips pages nobody', () => {
    let { state, stored } = running();
    stored = [...stored, at(1, 'eu', false)];
    const early = run(state, stored, slot(1) + 500);
    expect(early.out.held).toBe(1);
    state = early.state;
    // The stalled job runs again after two lock periods; its result is within the allowed lateness.
    stored = [...stored, at(1, 'us', true), at(2, 'eu', true), at(2, 'us', true)];
    const late = run(state, stored, slot(1) + 22_000);
    expect(late.out.steps.map((s) => [s.verdict.ok, s.transition])).toEqual([
      [true, null],
      [true, null],
    ]);
    expect(late.out.regionEvents).toEqual([]);
    expect(late.out.confirmation).toBeNull();
  });
});
