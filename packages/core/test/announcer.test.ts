import { describe, expect, it } from 'vitest';
import { type AnnouncerState, announce, type FlapPolicy, initialAnnouncerState } from '../src/announcer';
import { advance, initialMachineState, type MachineState, type Verdict } from '../src/state-machine';

// Thresholds of 1 so every verdict that disagrees is a change of the underlying state.
const machineConfig = { failureThreshold: 1, recoveryThreshold: 1, retryIntervalSeconds: 5 };
const policy: FlapPolicy = { windowMs: 60_000, threshold: 4, stableMs: 30_000 };

interface Step {
  at: number;
  ok: boolean;
  maintenance?: boolean;
}

/** Runs verdicts through the machine and the announcer; lists notices as `event@at`. */
function play(steps: Step[], start: { machine?: MachineState; announcer?: AnnouncerState } = {}) {
  let machine = start.machine ?? initialMachineState;
  let state = start.announcer ?? initialAnnouncerState;
  const notices: string[] = [];
  const displays: string[] = [];
  for (const step of steps) {
    const verdict: Verdict = {
      scheduledAtMs: step.at,
      kind: 'scheduled',
      attempt: 0,
      ok: step.ok,
      cause: step.ok ? null : 'HTTP 500',
    };
    const decision = advance(machine, verdict, machineConfig, step.at);
    machine = decision.state;
    const told = announce(state, {
      machine,
      transition: decision.transition,
      verdict,
      atMs: step.at,
      inMaintenance: step.maintenance ?? false,
      policy,
    });
    state = told.state;
    displays.push(told.display);
    if (told.notice)
      notices.push(`${told.notice.event}@${step.at}${told.notice.cause ? ` (${told.notice.cause})` : ''}`);
  }
  return { notices, displays, state, machine };
}

/** Alternates down/up every `every` ms from `from` for `count` verdicts, starting with a failure. */
const flipping = (from: number, count: number, every: number): Step[] =>
  Array.from({ length: count }, (_, i) => ({ at: from + i * every, ok: i % 2 === 1 }));

describe('announcer', () => {
  const cases: Array<{ name: string; steps: Step[]; notices: string[]; last: string }> = [
    {
      name: 'a new monitor coming up announces nothing',
      steps: [{ at: 0, ok: true }],
      notices: [],
      last: 'up',
    },
    {
      name: 'going down and coming back announces one down and one up',
      steps: [
        { at: 0, ok: true },
        { at: 1_000, ok: false },
        { at: 2_000, ok: false },
        { at: 3_000, ok: true },
      ],
      notices: ['monitor.down@1000 (HTTP 500)', 'monitor.up@3000'],
      last: 'up',
    },
    {
      name: 'a target flipping every few seconds gives a few notices, one flapping notice, then silence',
      steps: [{ at: 0, ok: true }, ...flipping(3_000, 20, 3_000)],
      notices: [
        'monitor.down@3000 (HTTP 500)',
        'monitor.up@6000',
        'monitor.down@9000 (HTTP 500)',
        'monitor.flapping@12000 (flapping: 4 state changes within 1 min)',
      ],
      last: 'flapping',
    },
    {
      name: 'a flapping monitor that settles up announces up once it has been stable long enough',
      steps: [
        { at: 0, ok: true },
        ...flipping(3_000, 8, 3_000),
        // last flip (to up) at 24 000; stable from then on
        { at: 40_000, ok: true },
        { at: 54_000, ok: true },
        { at: 60_000, ok: true },
      ],
      notices: [
        'monitor.down@3000 (HTTP 500)',
        'monitor.up@6000',
        'monitor.down@9000 (HTTP 500)',
        'monitor.flapping@12000 (flapping: 4 state changes within 1 min)',
        'monitor.up@54000',
      ],
      last: 'up',
    },
    {
      name: 'a flapping monitor that settles down announces down with the cause',
      steps: [
        { at: 0, ok: true },
        ...flipping(3_000, 7, 3_000),
        // last flip (to down) at 21 000
        { at: 50_000, ok: false },
        { at: 52_000, ok: false },
      ],
      notices: [
        'monitor.down@3000 (HTTP 500)',
        'monitor.up@6000',
        'monitor.down@9000 (HTTP 500)',
        'monitor.flapping@12000 (flapping: 4 state changes within 1 min)',
        'monitor.down@52000 (HTTP 500)',
      ],
      last: 'down',
    },
    {
      name: 'changes spread wider than the window never count as flapping',
      steps: [{ at: 0, ok: true }, ...flipping(40_000, 6, 40_000)],
      notices: [
        'monitor.down@40000 (HTTP 500)',
        'monitor.up@80000',
        'monitor.down@120000 (HTTP 500)',
        'monitor.up@160000',
        'monitor.down@200000 (HTTP 500)',
        'monitor.up@240000',
      ],
      last: 'up',
    },
    {
      name: 'an outage inside a maintenance window announces nothing and shows maintenance',
      steps: [
        { at: 0, ok: true },
        { at: 1_000, ok: false, maintenance: true },
        { at: 2_000, ok: false, maintenance: true },
        { at: 3_000, ok: true, maintenance: true },
        { at: 4_000, ok: true },
      ],
      notices: [],
      last: 'up',
    },
    {
      name: 'an outage still going on when the window ends is announced then',
      steps: [
        { at: 0, ok: true },
        { at: 1_000, ok: false, maintenance: true },
        { at: 2_000, ok: false },
        { at: 3_000, ok: true },
      ],
      notices: ['monitor.down@2000 (HTTP 500)', 'monitor.up@3000'],
      last: 'up',
    },
    {
      name: 'a recovery during maintenance of an announced outage is announced when the window ends',
      steps: [
        { at: 0, ok: true },
        { at: 1_000, ok: false },
        { at: 2_000, ok: true, maintenance: true },
        { at: 3_000, ok: true },
      ],
      notices: ['monitor.down@1000 (HTTP 500)', 'monitor.up@3000'],
      last: 'up',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = play(c.steps);
      expect(out.notices).toEqual(c.notices);
      expect(out.displays.at(-1)).toBe(c.last);
    });
  }

  it('shows maintenance while inside the window whatever the checks say', () => {
    const out = play([
      { at: 0, ok: true },
      { at: 1_000, ok: false, maintenance: true },
    ]);
    expect(out.displays).toEqual(['up', 'maintenance']);
  });

  it('stays silent and shows flapping on every verdict until stable', () => {
    const out = play([{ at: 0, ok: true }, ...flipping(3_000, 12, 3_000)]);
    expect(out.displays.slice(4)).toEqual(Array(9).fill('flapping'));
    expect(out.notices).toHaveLength(4);
  });
});
