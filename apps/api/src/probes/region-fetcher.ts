import { randomUUID } from 'node:crypto';
import { checkQueueName } from '@sentinelmesh/core';
import { duplicateForBullmq, type Logger, queuePrefix, type RedisClient } from '@sentinelmesh/platform';
import { type Job, UnrecoverableError, Worker } from 'bullmq';

/** A job taken from a region's queue, with the lock token it was taken under. */
export interface TakenJob {
  job: Job;
  token: string;
}

interface Waiter {
  resolve: (jobs: TakenJob[]) => void;
  signal: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the jobs of one region's check queue for the probes polling it, through a BullMQ worker
 * without a processor (`getNextJob`): one blocking fetch at a time per region and API process,
 * handing each haul to the longest-waiting poll. A haul whose poll went away meanwhile goes back to
 * the queue at once. Jobs this process took and never finished (it died) are moved back by BullMQ's
 * stalled-job check once their lock runs out.
 */
export class RegionFetcher {
  private readonly worker: Worker;
  /** The worker's own connection: BullMQ needs one that never gives up on a command. */
  private readonly connection: RedisClient;
  private readonly waiters: Waiter[] = [];
  private looping: Promise<void> | null = null;
  private closed = false;
  /** When a poll last asked (ms), so the gateway can close fetchers no probe uses. */
  lastUsedMs = Date.now();

  constructor(
    private readonly options: {
      connection: RedisClient;
      prefix: string;
      region: string;
      logger: Logger;
      /** Most jobs handed to one poll (a scheduler batch job holds up to 500 slots). */
      maxJobs?: number;
      lockDurationMs?: number;
      /** Longest blocking wait on Redis, in seconds, before the fetcher looks at its waiters again. */
      blockSeconds?: number;
    },
  ) {
    const name = checkQueueName(options.region);
    const lockDuration = options.lockDurationMs ?? 30_000;
    this.connection = duplicateForBullmq(options.connection);
    this.worker = new Worker(name, null, {
      connection: this.connection,
      prefix: queuePrefix(options.connection, options.prefix, name),
      lockDuration,
      stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
      maxStalledCount: 3,
      drainDelay: options.blockSeconds ?? 2,
    });
    this.worker.on('error', (error) =>
      options.logger.warn({ err: error, region: options.region }, 'probe region fetcher error'),
    );
    this.worker.startStalledCheckTimer().catch((error: unknown) => {
      options.logger.warn({ err: error, region: options.region }, 'cannot start the stalled-job check');
    });
  }

  /** The next jobs due in the region, or none once `signal` aborts first. */
  take(signal: AbortSignal): Promise<TakenJob[]> {
    this.lastUsedMs = Date.now();
    if (signal.aborted || this.closed) return Promise.resolve([]);
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, signal };
      this.waiters.push(waiter);
      signal.addEventListener(
        'abort',
        () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve([]);
        },
        { once: true },
      );
      this.looping ??= this.loop().finally(() => {
        this.looping = null;
      });
    });
  }

  /** Marks the jobs done: their slots now belong to the probe that received them. */
  async complete(jobs: readonly TakenJob[], result: (job: Job) => unknown): Promise<void> {
    await Promise.all(jobs.map(({ job, token }) => job.moveToCompleted(result(job), token, false)));
  }

  /** Fails a job that can never succeed (its payload does not parse), without retries, as a worker would. */
  async fail({ job, token }: TakenJob, reason: string): Promise<void> {
    await job.moveToFailed(new UnrecoverableError(`invalid check job: ${reason}`), token, false);
  }

  /** Puts jobs back in the queue for another poll (theirs went away before the hand-off). */
  async release(jobs: readonly TakenJob[]): Promise<void> {
    await Promise.all(
      jobs.map(({ job, token }) =>
        job.moveToWait(token).catch((error: unknown) => {
          this.options.logger.warn({ err: error, jobId: job.id }, 'cannot put a check job back');
        }),
      ),
    );
  }

  /** No poll waits and none asked for `idleMs`. */
  idleFor(idleMs: number): boolean {
    return this.waiters.length === 0 && this.looping === null && Date.now() - this.lastUsedMs > idleMs;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve([]);
    await this.looping;
    await this.worker.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  private async loop(): Promise<void> {
    const max = this.options.maxJobs ?? 20;
    while (this.waiters.length > 0 && !this.closed) {
      const haul: TakenJob[] = [];
      try {
        const token = randomUUID();
        const first = await this.worker.getNextJob(token, { block: true });
        if (first) {
          haul.push({ job: first, token });
          while (haul.length < max) {
            const more = randomUUID();
            const next = await this.worker.getNextJob(more, { block: false });
            if (!next) break;
            haul.push({ job: next, token: more });
          }
        }
      } catch (error) {
        this.options.logger.warn({ err: error, region: this.options.region }, 'cannot take check jobs');
        await this.release(haul);
        await sleep(500);
        continue;
      }
      if (haul.length === 0) continue;
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(haul);
      else await this.release(haul);
    }
  }
}
