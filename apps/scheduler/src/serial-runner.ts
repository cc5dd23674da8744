/**
 * Runs operations one at a time, in call order, and repeats some of them on timers until stopped.
 * The scheduler's in-memory state is only touched inside these operations, so it has one writer.
 */
export class SerialRunner {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly onError: (operation: string, error: unknown) => void) {}

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.chain.then(operation, operation);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Calls `operation` every `intervalMs` (measured from the end of the previous call). */
  every(name: string, intervalMs: number, operation: () => Promise<void>): void {
    const schedule = () => {
      if (this.stopped) return;
      const timer = setTimeout(async () => {
        await operation().catch((error: unknown) => this.onError(name, error));
        schedule();
      }, intervalMs);
      this.timers.set(name, timer);
    };
    schedule();
  }

  /** Stops the timers and waits for the operation in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    await this.chain;
  }
}
