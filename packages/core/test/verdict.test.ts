import { describe, expect, it } from 'vitest';
import { type ConsumeOutcome, consumeResults, type VerifyConfig } from '../src/consume-results';
import type { ConfirmationRequest } from '../src/state-machine';
import { type SlotResult, slotVerdict } from '../src/verdict';
import { initialVerifierMemory, readVerifierMemory, type VerifierMemory } from '../src/verifier-memory';

// Deadline of an awaited confirmation: planned + timeoutMs (8 s) + 5 s allowed lateness.
const config: VerifyConfig = {
  failureThreshold: 2,
  recoveryThreshold: 2,
  retryIntervalSeconds: 5,
  timeoutMs: 8_000,
  latenessMs: 5_000,
};

const result = (scheduledAtMs: number, ok: boolean, extra: Partial<SlotResult> = {}): SlotResult => ({
  scheduledAtMs,
  checkedAtMs: scheduledAtMs + 100,
  kind: 'scheduled',
  attempt: 0,
  region: 'local',
  ok,
  cause: ok ? null : 'HTTP 500',
  ...extra,
});
const ok = (t: number, extra: Partial<SlotResult> = {}) => result(t, true, extra);
const fail = (t: number, extra: Partial<SlotResult> = {}) => result(t, false, extra);
const okConfirm = (t: number, attempt = 1) => ok(t, { kind: 'confirmation', attempt });
const failConfirm = (t: number, attempt = 1) => fail(t, { kind: 'confirmation', attempt });

interface Run {
  arrive: SlotResult[];
  nowMs: number;
}

/** Plays arrivals like the database would: every run sees all stored results after consumed time. */
function simulate(runs: Run[]) {
  const store: SlotResult[] = [];
  let memory: VerifierMemory = initialVerifierMemory;
  let through: number | null = null;
  let held = 0;
  const transitions: string[] = [];
  const confirmations: ConfirmationRequest[] = [];
  for (const run of runs) {
    store.push(...run.arrive);
    const out: ConsumeOutcome<SlotResult> = consumeResults({
      memory,
      consumedThroughMs: through,
      results: store,
      config,
      nowMs: run.nowMs,
    });
    memory = out.memory;
    through = out.consumedThroughMs;
    held = out.held;
    for (const step of out.steps) {
      if (step.transition)
        transitions.push(`${step.transition.from}->${step.transition.to}@${step.transition.atMs}`);
    }
    if (out.confirmation) confirmations.push(out.confirmation);
  }
  return { memory, through, held, transitions, confirmations };
}

describe('consumeResults', () => {
  const cases: Array<{
    name: string;
    runs: Run[];
    status: string;
    transitions: string[];
    confirmations: ConfirmationRequest[];
    through: number | null;
    held?: number;
    awaiting?: ConfirmationRequest | null;
  }> = [
    {
      name: 'a new monitor goes up on its first success, stamped with its slot',
      runs: [{ arrive: [ok(0)], nowMs: 500 }],
      status: 'up',
      transitions: ['pending->up@0'],
      confirmations: [],
      through: 0,
    },
    {
      name: 'a single failure answered by a good confirmation raises nothing',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [okConfirm(15_000)], nowMs: 15_200 },
        { arrive: [ok(20_000)], nowMs: 20_200 },
      ],
      status: 'up',
      transitions: ['pending->up@0'],
      confirmations: [{ scheduledAtMs: 15_000, attempt: 1 }],
      through: 20_000,
      awaiting: null,
    },
    {
      name: 'goes down when the confirmation fails too',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [failConfirm(15_000)], nowMs: 15_200 },
      ],
      status: 'down',
      transitions: ['pending->up@0', 'up->down@15000'],
      confirmations: [{ scheduledAtMs: 15_000, attempt: 1 }],
      through: 15_000,
    },
    {
      name: 'holds a later slot back while the awaited confirmation is still due',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [ok(20_000)], nowMs: 20_200 },
      ],
      status: 'up',
      transitions: ['pending->up@0'],
      confirmations: [{ scheduledAtMs: 15_000, attempt: 1 }],
      through: 10_000,
      held: 1,
      awaiting: { scheduledAtMs: 15_000, attempt: 1 },
    },
    {
      name: 'consumes a held slot after the late confirmation, in slot order',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [ok(20_000)], nowMs: 20_200 },
        { arrive: [failConfirm(15_000)], nowMs: 21_000 },
      ],
      status: 'down',
      transitions: ['pending->up@0', 'up->down@15000'],
      confirmations: [
        { scheduledAtMs: 15_000, attempt: 1 },
        { scheduledAtMs: 25_000, attempt: 1 },
      ],
      through: 20_000,
      held: 0,
    },
    {
      name: 'moves on without a confirmation once it is overdue',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [ok(20_000)], nowMs: 20_200 },
        { arrive: [], nowMs: 28_001 },
      ],
      status: 'up',
      transitions: ['pending->up@0'],
      confirmations: [{ scheduledAtMs: 15_000, attempt: 1 }],
      through: 20_000,
      held: 0,
      awaiting: null,
    },
    {
      name: 'still waits at the very deadline of the confirmation',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [ok(20_000)], nowMs: 28_000 },
      ],
      status: 'up',
      transitions: ['pending->up@0'],
      confirmations: [{ scheduledAtMs: 15_000, attempt: 1 }],
      through: 10_000,
      held: 1,
    },
    {
      name: 'ignores a confirmation that arrives after it was given up',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [ok(20_000)], nowMs: 28_001 },
        { arrive: [failConfirm(15_000)], nowMs: 29_000 },
        { arrive: [fail(30_000)], nowMs: 30_200 },
      ],
      status: 'up',
      transitions: ['pending->up@0'],
      confirmations: [
        { scheduledAtMs: 15_000, attempt: 1 },
        { scheduledAtMs: 35_000, attempt: 1 },
      ],
      through: 30_000,
    },
    {
      name: 'a late result at or before the consumed time changes nothing',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [ok(10_000)], nowMs: 10_200 },
        { arrive: [fail(5_000, { region: 'eu' }), fail(10_000, { region: 'eu' })], nowMs: 11_000 },
      ],
      status: 'up',
      transitions: ['pending->up@0'],
      confirmations: [],
      through: 10_000,
    },
    {
      name: 'forgets an overdue confirmation with nothing behind it',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [], nowMs: 28_001 },
      ],
      status: 'up',
      transitions: ['pending->up@0'],
      confirmations: [{ scheduledAtMs: 15_000, attempt: 1 }],
      through: 10_000,
      awaiting: null,
    },
    {
      name: 'a slot at the same instant as the awaited confirmation waits for it and follows it',
      runs: [
        { arrive: [ok(5_000)], nowMs: 5_200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [ok(15_000)], nowMs: 15_200 },
        { arrive: [failConfirm(15_000)], nowMs: 16_000 },
      ],
      status: 'down',
      transitions: ['pending->up@5000', 'up->down@15000'],
      confirmations: [
        { scheduledAtMs: 15_000, attempt: 1 },
        { scheduledAtMs: 20_000, attempt: 1 },
      ],
      through: 15_000,
    },
    {
      name: 'a backlog long past asks for no confirmation it would give up at once',
      runs: [{ arrive: [ok(0), fail(10_000), fail(20_000), fail(30_000)], nowMs: 1_000_000 }],
      status: 'down',
      transitions: ['pending->up@0', 'up->down@20000'],
      confirmations: [],
      through: 30_000,
      awaiting: null,
    },
    {
      name: 'recovers after recoveryThreshold good verdicts and resolves through a confirmation',
      runs: [
        { arrive: [ok(0)], nowMs: 200 },
        { arrive: [fail(10_000)], nowMs: 10_200 },
        { arrive: [failConfirm(15_000)], nowMs: 15_200 },
        { arrive: [ok(20_000)], nowMs: 20_200 },
        { arrive: [okConfirm(25_000)], nowMs: 25_200 },
      ],
      status: 'up',
      transitions: ['pending->up@0', 'up->down@15000', 'down->up@25000'],
      confirmations: [
        { scheduledAtMs: 15_000, attempt: 1 },
        { scheduledAtMs: 25_000, attempt: 1 },
      ],
      through: 25_000,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = simulate(c.runs);
      expect(out.memory.status).toBe(c.status);
      expect(out.transitions).toEqual(c.transitions);
      expect(out.confirmations).toEqual(c.confirmations);
      expect(out.through).toBe(c.through);
      if (c.held !== undefined) expect(out.held).toBe(c.held);
      if (c.awaiting !== undefined) expect(out.memory.awaiting).toEqual(c.awaiting);
    });
  }

  it('consuming the same results again after they were consumed does nothing', () => {
    const results = [ok(0), fail(10_000)];
    const first = consumeResults({
      memory: initialVerifierMemory,
      consumedThroughMs: null,
      results,
      config,
      nowMs: 10_200,
    });
    const again = consumeResults({
      memory: first.memory,
      consumedThroughMs: first.consumedThroughMs,
      results,
      config,
      nowMs: 10_300,
    });
    expect(again.consumed).toEqual([]);
    expect(again.steps).toEqual([]);
    expect(again.confirmation).toBeNull();
    expect(again.memory).toEqual(first.memory);
  });
});

describe('slotVerdict', () => {
  const cases: Array<{ name: string; results: SlotResult[]; ok: boolean; cause: string | null }> = [
    { name: 'one passing region is a good verdict', results: [ok(0)], ok: true, cause: null },
    {
      name: 'one failing region is a failed verdict with its cause',
      results: [fail(0)],
      ok: false,
      cause: 'HTTP 500',
    },
    {
      name: 'one region failing out of two is a probe problem, not an outage',
      results: [fail(0, { region: 'eu' }), ok(0, { region: 'us' })],
      ok: true,
      cause: null,
    },
    {
      name: 'a majority of failing regions is a failed verdict naming the share',
      results: [
        fail(0, { region: 'ap' }),
        fail(0, { region: 'eu', cause: 'timeout' }),
        ok(0, { region: 'us' }),
      ],
      ok: false,
      cause: 'HTTP 500 from 2 of 3 regions',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(slotVerdict(c.results)).toMatchObject({ scheduledAtMs: 0, ok: c.ok, cause: c.cause });
    });
  }

  it('refuses an empty slot', () => {
    expect(() => slotVerdict([])).toThrow();
  });
});

describe('readVerifierMemory', () => {
  const stored = { status: 'down', sinceMs: 5, consecutiveFailures: 2, consecutiveSuccesses: 0 };
  // Memory written before announcements existed reads as having announced the state it had.
  const {
    status: _s,
    sinceMs: _t,
    consecutiveFailures: _f,
    consecutiveSuccesses: _c,
    ...defaults
  } = initialVerifierMemory;
  const upgraded = { ...defaults, announced: 'down' };
  const cases: Array<{ name: string; raw: unknown; memory: VerifierMemory }> = [
    { name: "a new monitor's empty memory starts pending", raw: {}, memory: initialVerifierMemory },
    { name: 'unreadable memory starts pending', raw: { status: 'sideways' }, memory: initialVerifierMemory },
    {
      name: 'memory without an awaited confirmation awaits none',
      raw: stored,
      memory: { ...stored, ...upgraded, awaiting: null } as VerifierMemory,
    },
    {
      name: 'an awaited confirmation is kept',
      raw: { ...stored, awaiting: { scheduledAtMs: 9, attempt: 1 } },
      memory: { ...stored, ...upgraded, awaiting: { scheduledAtMs: 9, attempt: 1 } } as VerifierMemory,
    },
    {
      name: 'a flapping announcement and its recent changes are kept',
      raw: { ...stored, announced: 'flapping', flips: [1, 2, 3, 4], downCause: 'HTTP 500' },
      memory: {
        ...stored,
        ...upgraded,
        announced: 'flapping',
        flips: [1, 2, 3, 4],
        downCause: 'HTTP 500',
        awaiting: null,
      } as VerifierMemory,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(readVerifierMemory(c.raw)).toEqual(c.memory);
    });
  }
});

describe('slotVerdict with a quorum', () => {
  const two = (a: boolean, b: boolean, extra: Partial<SlotResult> = {}) => [
    result(0, a, { region: 'eu', ...extra }),
    result(0, b, { region: 'us', ...extra }),
  ];
  const cases: Array<{
    name: string;
    results: SlotResult[];
    policy: { expectedRegions: number; quorum: number | null };
    ok: boolean;
    cause: string | null;
    probeCause?: string;
  }> = [
    {
      name: 'both of two regions failing is a failed verdict from 2 of 2 regions',
      results: two(false, false),
      policy: { expectedRegions: 2, quorum: null },
      ok: false,
      cause: 'HTTP 500 from 2 of 2 regions',
    },
    {
      name: 'one of two regions timing out is a probe problem named by its region',
      results: two(false, true, { cause: 'timeout' }),
      policy: { expectedRegions: 2, quorum: null },
      ok: true,
      cause: null,
      probeCause: 'timeout in eu only',
    },
    {
      name: 'a quorum of one makes a single failing region an outage, named by its region',
      results: two(false, true, { cause: 'timeout' }),
      policy: { expectedRegions: 2, quorum: 1 },
      ok: false,
      cause: 'timeout in eu only',
    },
    {
      name: 'a quorum of three of three ignores two failing regions',
      results: [...two(false, false), ok(0, { region: 'ap' })],
      policy: { expectedRegions: 3, quorum: 3 },
      ok: true,
      cause: null,
      probeCause: 'HTTP 500 from 2 of 3 regions',
    },
    {
      name: 'a region that never answered cannot mask a failure seen by the only one that did',
      results: [fail(0, { region: 'eu' })],
      policy: { expectedRegions: 2, quorum: null },
      ok: false,
      cause: 'HTTP 500',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = slotVerdict(c.results, c.policy);
      expect(verdict).toMatchObject({ ok: c.ok, cause: c.cause });
      expect(verdict.probeCause).toBe(c.probeCause);
    });
  }
});

describe('consumeResults across regions', () => {
  const regional: VerifyConfig = { ...config, expectedRegions: ['eu', 'us'] };
  const at = (t: number, region: string, isOk: boolean, extra: Partial<SlotResult> = {}) =>
    result(t, isOk, { region, ...extra });

  it('waits for every expected region of a slot before deciding it', () => {
    const out = consumeResults({
      memory: initialVerifierMemory,
      consumedThroughMs: null,
      results: [at(0, 'eu', true), at(0, 'us', true), at(10_000, 'eu', false)],
      config: regional,
      nowMs: 10_200,
    });
    expect(out.consumedThroughMs).toBe(0);
    expect(out.held).toBe(1);
    expect(out.memory.wakeAtMs).toBe(10_000 + 8_000 + 5_000);
  });

  it('consumes a slot still missing a live region at its deadline as inconclusive, deciding nothing', () => {
    const out = consumeResults({
      memory: initialVerifierMemory,
      consumedThroughMs: null,
      results: [at(0, 'eu', true)],
      config: regional,
      nowMs: 13_001,
    });
    expect(out.consumedThroughMs).toBe(0);
    expect(out.inconclusive).toBe(1);
    expect(out.steps).toEqual([]);
    expect(out.memory.status).toBe('pending');
    expect(out.memory.wakeAtMs).toBeNull();
  });

  it('one region failing for many slots is a probe problem that asks for no confirmation and opens nothing', () => {
    const results = Array.from({ length: 30 }, (_, k) => [
      at(k * 10_000, 'eu', false, { cause: 'timeout' }),
      at(k * 10_000, 'us', true),
    ]).flat();
    const out = consumeResults({
      memory: initialVerifierMemory,
      consumedThroughMs: null,
      results,
      config: regional,
      nowMs: 300_000,
    });
    expect(out.steps.every((s) => s.verdict.ok && s.notice === null)).toBe(true);
    expect(out.confirmation).toBeNull();
    expect(out.memory.probeProblem).toEqual({
      regions: ['eu'],
      cause: 'timeout in eu only',
      sinceMs: 0,
      lastMs: 290_000,
    });
  });

  it('a probe problem ends with the first slot where every region passes', () => {
    const out = consumeResults({
      memory: initialVerifierMemory,
      consumedThroughMs: null,
      results: [at(0, 'eu', false), at(0, 'us', true), at(10_000, 'eu', true), at(10_000, 'us', true)],
      config: regional,
      nowMs: 30_000,
    });
    expect(out.steps.map((s) => s.probeProblem?.regions ?? null)).toEqual([['eu'], null]);
  });

  it('an outage inside a maintenance window sends nothing and shows maintenance', () => {
    const out = consumeResults({
      memory: initialVerifierMemory,
      consumedThroughMs: null,
      results: [ok(0), fail(10_000), fail(20_000), fail(30_000)],
      config: { ...config, maintenance: [{ startMs: 5_000, endMs: 60_000 }] },
      nowMs: 100_000,
    });
    expect(out.memory.status).toBe('down');
    expect(out.steps.map((s) => s.notice)).toEqual([null, null, null, null]);
    expect(out.steps.at(-1)?.display).toBe('maintenance');
  });
});
