import { describe, expect, it } from 'vitest';
import { advance, initialMachineState, type MachineState, type Verdict } from '../src/state-machine';

const config = { failureThreshold: 2, recoveryThreshold: 2, retryIntervalSeconds: 5 };
const ok = (t: number, kind: Verdict['kind'] = 'scheduled', attempt = 0): Verdict => ({
  scheduledAtMs: t,
  kind,
  attempt,
  ok: true,
  cause: null,
});
const fail = (t: number, kind: Verdict['kind'] = 'scheduled', attempt = 0): Verdict => ({
  scheduledAtMs: t,
  kind,
  attempt,
  ok: false,
  cause: 'HTTP 500',
});

function run(verdicts: Verdict[], start: MachineState = initialMachineState) {
  let state = start;
  const transitions: string[] = [];
  const confirmations: Array<{ scheduledAtMs: number; attempt: number }> = [];
  for (const verdict of verdicts) {
    const decision = advance(state, verdict, config, verdict.scheduledAtMs);
    state = decision.state;
    if (decision.transition) transitions.push(`${decision.transition.from}->${decision.transition.to}`);
    if (decision.confirmation) confirmations.push(decision.confirmation);
  }
  return { state, transitions, confirmations };
}

describe('state machine', () => {
  const cases: Array<{ name: string; verdicts: Verdict[]; status: string; transitions: string[] }> = [
    {
      name: 'a new monitor goes up on its first success',
      verdicts: [ok(0)],
      status: 'up',
      transitions: ['pending->up'],
    },
    {
      name: 'a single failure while up changes nothing',
      verdicts: [ok(0), fail(60_000), ok(120_000)],
      status: 'up',
      transitions: ['pending->up'],
    },
    {
      name: 'goes down after failureThreshold consecutive failed verdicts',
      verdicts: [ok(0), fail(60_000), fail(65_000, 'confirmation', 1)],
      status: 'down',
      transitions: ['pending->up', 'up->down'],
    },
    {
      name: 'a new monitor failing from the start goes down only after confirmation',
      verdicts: [fail(0), fail(5_000, 'confirmation', 1)],
      status: 'down',
      transitions: ['pending->down'],
    },
    {
      name: 'stays down while failures continue, without further transitions',
      verdicts: [ok(0), fail(1), fail(2, 'confirmation', 1), fail(3), fail(4)],
      status: 'down',
      transitions: ['pending->up', 'up->down'],
    },
    {
      name: 'recovers after recoveryThreshold consecutive good verdicts',
      verdicts: [ok(0), fail(1), fail(2, 'confirmation', 1), ok(3), ok(4, 'confirmation', 1)],
      status: 'up',
      transitions: ['pending->up', 'up->down', 'down->up'],
    },
    {
      name: 'one good verdict while down is not a recovery',
      verdicts: [ok(0), fail(1), fail(2, 'confirmation', 1), ok(3), fail(4)],
      status: 'down',
      transitions: ['pending->up', 'up->down'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { state, transitions } = run(c.verdicts);
      expect(state.status).toBe(c.status);
      expect(transitions).toEqual(c.transitions);
    });
  }

  it('asks for a confirmation re-check retryIntervalSeconds after a first failure', () => {
    const { confirmations } = run([ok(0), fail(60_000)]);
    expect(confirmations).toEqual([{ scheduledAtMs: 65_000, attempt: 1 }]);
  });

  it('chains confirmations with rising attempt numbers until the threshold', () => {
    let state = run([ok(0)]).state;
    const cfg = { ...config, failureThreshold: 3 };
    const first = advance(state, fail(60_000), cfg, 60_000);
    state = first.state;
    const second = advance(state, fail(65_000, 'confirmation', 1), cfg, 65_000);
    expect(second.confirmation).toEqual({ scheduledAtMs: 70_000, attempt: 2 });
    const third = advance(second.state, fail(70_000, 'confirmation', 2), cfg, 70_000);
    expect(third.transition?.to).toBe('down');
    expect(third.confirmation).toBeNull();
  });

  it('asks for a confirmation after a first good verdict while down, to recover quickly', () => {
    const { confirmations } = run([ok(0), fail(10_000), fail(15_000, 'confirmation', 1), ok(60_000)]);
    expect(confirmations.at(-1)).toEqual({ scheduledAtMs: 65_000, attempt: 1 });
  });

  it('carries the failing cause into the down transition', () => {
    const decision = advance(
      { ...initialMachineState, status: 'up', consecutiveFailures: 1 },
      fail(1),
      config,
      1,
    );
    expect(decision.transition).toMatchObject({ to: 'down', cause: 'HTTP 500' });
  });
});
