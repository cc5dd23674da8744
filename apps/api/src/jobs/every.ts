import type { Logger } from '@sentinelmesh/platform';

/**
 * Runs `run` now and then every `intervalMs` in this process; a failure is logged and retried at the
 * next tick. `stop` waits for a run in progress.
 */
export function runEvery(options: {
  intervalMs: number;
  logger: Logger;
  failure: string;
  run: () => Promise<unknown>;
}) {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = options.run().catch((error: unknown) => options.logger.warn({ err: error }, options.failure));
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
