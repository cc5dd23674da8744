import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/notify/circuit-breaker';

type Step = { at: number; outcome: boolean } | { at: number; ask: number } | { at: number; holdOff: number };

describe('circuit breaker', () => {
  const cases: Array<{ name: string; steps: Step[] }> = [
    {
      name: 'lets deliveries through while failures stay below the threshold',
      steps: [
        { at: 0, outcome: false },
        { at: 1, outcome: false },
        { at: 2, ask: 0 },
      ],
    },
    {
      name: 'holds deliveries back for the cooldown once failures reach the threshold',
      steps: [
        { at: 0, outcome: false },
        { at: 1, outcome: false },
        { at: 2, outcome: false },
        { at: 10, ask: 992 },
      ],
    },
    {
      name: 'lets one trial through after the cooldown and holds the others back',
      steps: [
        { at: 0, outcome: false },
        { at: 0, outcome: false },
        { at: 0, outcome: false },
        { at: 1_000, ask: 0 },
        { at: 1_001, ask: 999 },
      ],
    },
    {
      name: 'closes again after a successful trial',
      steps: [
        { at: 0, outcome: false },
        { at: 0, outcome: false },
        { at: 0, outcome: false },
        { at: 1_000, ask: 0 },
        { at: 1_100, outcome: true },
        { at: 1_101, ask: 0 },
      ],
    },
    {
      name: 'opens again at once after a failed trial',
      steps: [
        { at: 0, outcome: false },
        { at: 0, outcome: false },
        { at: 0, outcome: false },
        { at: 1_000, ask: 0 },
        { at: 1_100, outcome: false },
        { at: 1_200, ask: 900 },
      ],
    },
    {
      name: 'a success in between starts the count again',
      steps: [
        { at: 0, outcome: false },
        { at: 1, outcome: false },
        { at: 2, outcome: true },
        { at: 3, outcome: false },
        { at: 4, outcome: false },
        { at: 5, ask: 0 },
      ],
    },
    {
      name: 'holds a rate-limited channel back for as long as its receiver asked, then lets every delivery go',
      steps: [
        { at: 0, outcome: false },
        { at: 0, holdOff: 1_500 },
        { at: 100, ask: 1_400 },
        { at: 1_500, ask: 0 },
        { at: 1_501, ask: 0 },
      ],
    },
    {
      name: 'keeps the longer of two holds',
      steps: [
        { at: 0, holdOff: 2_000 },
        { at: 10, holdOff: 50 },
        { at: 100, ask: 1_900 },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      let now = 0;
      const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, clock: () => now });
      for (const step of c.steps) {
        now = step.at;
        if ('outcome' in step) breaker.record('ch', step.outcome);
        else if ('holdOff' in step) breaker.holdOff('ch', step.holdOff);
        else expect(breaker.waitMs('ch')).toBe(step.ask);
      }
    });
  }

  it('keeps channels apart', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, clock: () => 0 });
    expect(breaker.record('a', false)).toBe(true);
    expect(breaker.waitMs('a')).toBe(1_000);
    expect(breaker.waitMs('b')).toBe(0);
  });
});
