import { Counter, Histogram, type Registry } from 'prom-client';

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** The worker's Prometheus metrics, registered in `registry`. */
export function createWorkerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    checks: new Counter({
      name: 'worker_checks_total',
      help: 'Checks run, by result and error kind',
      labelNames: ['type', 'result', 'error_kind'] as const,
      registers,
    }),
    checkDuration: new Histogram({
      name: 'worker_check_duration_seconds',
      help: 'Time to run one check, from start to outcome',
      labelNames: ['type'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    earlyJobs: new Counter({
      name: 'worker_checks_early_total',
      help: 'Check jobs taken before their planned time on the database clock, which waited for it',
      registers,
    }),
    skippedJobs: new Counter({
      name: 'worker_checks_skipped_total',
      help: 'Check jobs not run because their monitor was paused, deleted or changed after they were queued',
      labelNames: ['reason'] as const,
      registers,
    }),
    invalidJobs: new Counter({
      name: 'worker_invalid_jobs_total',
      help: 'Jobs whose payload does not parse; failed without retry',
      registers,
    }),
    writeRetries: new Counter({
      name: 'worker_result_write_retries_total',
      help: 'Result INSERTs retried because Postgres was unavailable',
      registers,
    }),
  };
}
