import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type SchedulerMetrics = ReturnType<typeof createSchedulerMetrics>;

/** The scheduler's Prometheus metrics, registered in `registry`. */
export function createSchedulerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    jobsEnqueued: new Counter({
      name: 'scheduler_jobs_enqueued_total',
      help: 'Checks (slots) submitted to the region queues, in batch jobs',
      labelNames: ['region'] as const,
      registers,
    }),
    batchesEnqueued: new Counter({
      name: 'scheduler_check_batches_total',
      help: 'Batch check jobs submitted to the region queues (each carries the checks of one shard and window)',
      labelNames: ['region'] as const,
      registers,
    }),
    missedSlots: new Counter({
      name: 'scheduler_missed_slots_total',
      help: 'Slots that passed while nothing scheduled them and were too old to run',
      registers,
    }),
    ownedShards: new Gauge({
      name: 'scheduler_owned_shards',
      help: 'Shards whose lease this instance holds',
      registers,
    }),
    monitors: new Gauge({
      name: 'scheduler_monitors',
      help: 'Active monitors kept in memory for the owned shards',
      registers,
    }),
    tickDuration: new Histogram({
      name: 'scheduler_tick_duration_seconds',
      help: 'Time one scheduling tick took over all owned shards',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    lag: new Gauge({
      name: 'scheduler_lag_seconds',
      help: 'How far behind now the least advanced owned shard was at the last tick (0 when ahead)',
      registers,
    }),
    errors: new Counter({
      name: 'scheduler_errors_total',
      help: 'Failed scheduler operations',
      labelNames: ['operation'] as const,
      registers,
    }),
  };
}
