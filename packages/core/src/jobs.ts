import { z } from 'zod';
import { checkKinds } from './check-result';
import { type CheckSpec, checkSpecSchema } from './check-types';

/**
 * The job catalog: every queue, its payload schema and its retry policy, in one place.
 * Processors parse `job.data` with these schemas and fail a job that can never succeed.
 */

export const checkQueueName = (region: string) => `checks-${region}`;
export const VERIFY_QUEUE = 'verify';
export const NOTIFY_QUEUE = 'notifications';

/**
 * The hash tag of a scheduler shard's Redis keys: its lease and its watermark share a slot, so one
 * script can check the one and move the other on a Redis Cluster too.
 */
export const shardKeyTag = (prefix: string, shard: number) => `{${prefix}:shard:${shard}}`;

/** Redis key of a scheduler shard's lease; its value is `<scheduler id>/<token>` of the holder. */
export const shardLeaseKey = (prefix: string, shard: number) => `${shardKeyTag(prefix, shard)}:lease`;

/** Redis pub/sub channel on which the API announces monitor changes to schedulers and workers. */
export const monitorChangesChannel = (prefix: string) => `${prefix}:monitors:changed`;
export const monitorChangeSchema = z.object({
  op: z.enum(['upsert', 'delete']),
  orgId: z.uuid(),
  monitorId: z.uuid(),
  /** The API request that made the change, for following it into the scheduler's logs. */
  requestId: z.string().optional(),
});
export type MonitorChange = z.infer<typeof monitorChangeSchema>;

export const checkJobSchema = z.object({
  spec: checkSpecSchema,
  scheduledAtMs: z.number().int().nonnegative(),
  region: z.string().min(1),
  kind: z.enum(checkKinds),
  attempt: z.number().int().nonnegative(),
  /**
   * The monitor's `updated_at` (ms) the job was built from: a worker skips the job once the monitor
   * has changed since. Absent from jobs queued before it existed.
   */
  configVersion: z.number().int().optional(),
  /** Asked for on demand ("check now"): runs when taken, even before its slot's time. */
  runNow: z.boolean().optional(),
  requestId: z.string().optional(),
});
export type CheckJob = z.infer<typeof checkJobSchema>;

/** BullMQ job names on a check queue: one slot (check now, confirmations, older releases), or a batch. */
export const CHECK_JOB = 'check';
export const CHECK_BATCH_JOB = 'checks';

/** Most checks one batch job carries: a window with more due is split into several jobs. */
export const MAX_CHECKS_PER_BATCH = 500;
/** Widest spread of planned times in one batch job: a job is held from its earliest slot to its last. */
export const MAX_BATCH_SPAN_MS = 1_000;

/**
 * The slots of one scheduler shard due in one region in one window. Each entry's spec is checked on
 * its own by the worker, so one entry that does not parse fails only its check, not the batch.
 */
export const checkBatchJobSchema = z.object({
  shard: z.number().int().nonnegative(),
  region: z.string().min(1),
  kind: z.enum(checkKinds),
  checks: z
    .array(
      z.object({
        spec: z.unknown(),
        scheduledAtMs: z.number().int().nonnegative(),
        configVersion: z.number().int().optional(),
      }),
    )
    .min(1)
    .max(MAX_CHECKS_PER_BATCH),
});
export interface CheckBatchEntry {
  spec: CheckSpec;
  scheduledAtMs: number;
  /** As `CheckJob.configVersion`: the monitor's `updated_at` (ms) the entry was built from. */
  configVersion?: number;
}
export type CheckBatchJob = Omit<z.infer<typeof checkBatchJobSchema>, 'checks'> & {
  checks: CheckBatchEntry[];
};

/**
 * BullMQ job id of a batch: the shard, region and planned window `(fromMs, untilMs]` a scheduler
 * planned it for, and its place among that window's jobs. Windows of one shard never overlap, so
 * no other plan's job takes the id; the same plan submitted twice is deduplicated.
 */
export const checkBatchJobId = (
  shard: number,
  region: string,
  fromMs: number,
  untilMs: number,
  index: number,
) => `chb-${shard}-${region}-${fromMs}-${untilMs}-${index}`;

export const verifyJobSchema = z.object({
  orgId: z.uuid(),
  monitorId: z.uuid(),
  requestId: z.string().optional(),
});
export type VerifyJob = z.infer<typeof verifyJobSchema>;

/** The most monitors one verify batch job names (a worker's largest result batch). */
export const MAX_VERIFY_BATCH = 1_000;

/**
 * One verify job per batch of results written together: every monitor of the batch once (with the
 * request that asked for a result, when one did). The verifier verifies each as a `VerifyJob`.
 */
export const verifyBatchJobSchema = z.object({
  monitors: z.array(verifyJobSchema).min(1).max(MAX_VERIFY_BATCH),
});
export type VerifyBatchJob = z.infer<typeof verifyBatchJobSchema>;

/** What the verify queue carries: a batch, or one monitor (overdue ticks, re-queued failures, older workers). */
export const verifyQueueJobSchema = z.union([verifyBatchJobSchema, verifyJobSchema]);
export type VerifyQueueJob = z.infer<typeof verifyQueueJobSchema>;

export const notifyJobSchema = z.object({
  orgId: z.uuid(),
  alertId: z.uuid(),
  requestId: z.string().optional(),
});
export type NotifyJob = z.infer<typeof notifyJobSchema>;

/** Retry and retention policy per queue (BullMQ `JobsOptions` shape, kept free of the library type). */
export const jobPolicies = {
  check: {
    attempts: 3,
    backoff: { type: 'fixed', delay: 500 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600, count: 10_000 },
  },
  verify: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 250 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600, count: 10_000 },
  },
  notify: {
    attempts: 12,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  },
} as const;

/**
 * Job id of a monitor re-queued alone after its verification failed inside a batch job: a re-run
 * of the same batch job queues it once.
 */
export const verifyRetryJobId = (batchJobId: string, monitorId: string) =>
  `v-retry-${batchJobId}-${monitorId}`;

/**
 * Single verify jobs (older workers' pokes) were deduplicated per monitor: while one waits, more results join it (the verifier
 * reads every unconsumed result); while one runs, the last poke is kept and queued when it ends.
 */
export const verifyDeduplication = (monitorId: string) =>
  ({ id: `v-${monitorId}`, keepLastIfActive: true }) as const;
export const verifyJobId = (monitorId: string, scheduledAtMs: number, region: string, kind: string) =>
  `v-${monitorId}-${scheduledAtMs}-${region}-${kind}`;
export const notifyJobId = (alertId: string) => `alert-${alertId}`;
