import { describe, expect, it } from 'vitest';
import { createMonitorSchema, defaultTimeoutMs } from '../src/schemas/monitor';

const http = { type: 'http', name: 'Site', url: 'https://example.com/health' } as const;

describe('monitor schema', () => {
  const timeoutCases: Array<[string, Record<string, unknown>, number]> = [
    ['uses 10 s when the interval is long enough', { intervalSeconds: 60 }, 10_000],
    ['uses 80% of an interval of 10 s or less', { intervalSeconds: 5 }, 4_000],
    ['uses 800 ms for a 1 s interval', { intervalSeconds: 1 }, 800],
    ['keeps a timeout the user gave', { intervalSeconds: 5, timeoutMs: 1_500 }, 1_500],
  ];
  for (const [name, input, expected] of timeoutCases) {
    it(`${name}`, () => {
      const parsed = createMonitorSchema.parse({ ...http, ...input });
      expect(parsed.timeoutMs).toBe(expected);
    });
  }

  it('refuses a timeout the user gave that is not below the interval', () => {
    const result = createMonitorSchema.safeParse({ ...http, intervalSeconds: 5, timeoutMs: 5_000 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['timeoutMs']);
  });

  it('fills the documented defaults', () => {
    const parsed = createMonitorSchema.parse(http);
    expect(parsed).toMatchObject({
      method: 'GET',
      intervalSeconds: 60,
      timeoutMs: 10_000,
      failureThreshold: 2,
      recoveryThreshold: 2,
      retryIntervalSeconds: 5,
      paused: false,
      assertions: [{ source: 'status', op: 'between', value: [200, 399] }],
    });
  });

  it('refuses unknown fields', () => {
    expect(createMonitorSchema.safeParse({ ...http, colour: 'red' }).success).toBe(false);
  });

  it('never defaults a timeout at or above the interval', () => {
    for (let interval = 1; interval <= 120; interval++) {
      expect(defaultTimeoutMs(interval)).toBeLessThan(interval * 1000);
    }
  });
});
