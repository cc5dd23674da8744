import type { Logger } from './logger';

export interface ShutdownOptions {
  logger: Logger;
  /** Run in order on SIGTERM/SIGINT; each should stop taking work and finish what it holds. */
  steps: Array<{ name: string; run: () => Promise<unknown> }>;
  timeoutMs?: number;
}

/**
 * Drains the process on SIGTERM or SIGINT within `timeoutMs` (default 25 s, inside the 30 s
 * that orchestrators and the local launcher allow), and keeps one stray rejection from killing it.
 */
export function installShutdown(options: ShutdownOptions): void {
  const { logger, steps, timeoutMs = 25_000 } = options;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
}
