import { createLogger } from '@sentinelmesh/platform';
import { describe, expect, it } from 'vitest';
import { createReferenceClock, MAX_EARLY_WAIT_MS, waitBeforeRunMs } from '../src/reference-clock';

const logger = createLogger('reference-clock-test', 'silent');

describe('reference clock', () => {
  it('reads the database clock through this process clock and a sampled offset', async () => {
    let local = 1_000_000;
    // The database is 5 s behind this process (its clock runs ahead); the round trip takes 40 ms.
    const clock = createReferenceClock({
      sample: async () => {
        local += 20;
        const at = new Date(local - 5_000);
        local += 20;
        return at;
      },
      logger,
      localNow: () => local,
    });
    await clock.sync();
    expect(clock.offsetMs()).toBe(-5_000);
    local += 1_000;
    expect(clock.now()).toBe(local - 5_000);
  });

  it('keeps the last offset when the database cannot be read', async () => {
    let fail = false;
    const clock = createReferenceClock({
      sample: async () => {
        if (fail) throw new Error('down');
        return new Date(3_000);
      },
      logger,
      localNow: () => 1_000,
    });
    await clock.start();
    fail = true;
    await expect(clock.sync()).rejects.toThrow('down');
    expect(clock.now()).toBe(3_000);
    clock.close();
  });

  it.each([
    { name: 'a job taken 5 s early waits 5 s', plannedIn: 5_000, wait: 5_000 },
    { name: 'a job taken on time or late runs at once', plannedIn: -200, wait: 0 },
    {
      name: 'a job planned further ahead than a clock error runs at once',
      plannedIn: MAX_EARLY_WAIT_MS + 1,
      wait: 0,
    },
  ])('$name', ({ plannedIn, wait }) => {
    expect(waitBeforeRunMs(10_000 + plannedIn, 10_000)).toBe(wait);
  });
});
