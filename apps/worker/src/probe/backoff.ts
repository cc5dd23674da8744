/**
 * Waits between attempts at a gateway that fails: exponential, capped, with full jitter so that
 * probes cut off together do not come back in step.
 */
export function createBackoff(options: { baseMs?: number; capMs?: number; random?: () => number } = {}) {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  const random = options.random ?? Math.random;
  let failures = 0;
  return {
    /** The wait before the next attempt, after one more failure. */
    next(): number {
      const ceiling = Math.min(cap, base * 2 ** Math.min(failures, 30));
      failures++;
      return Math.floor(random() * ceiling);
    },
    reset(): void {
      failures = 0;
    },
    get failures(): number {
      return failures;
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
