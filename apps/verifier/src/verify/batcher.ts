import type { VerifyJob } from '@sentinelmesh/core';
import type { VerifyRun } from './verify-monitor';

interface Entry {
  job: VerifyJob;
  resolve: (run: VerifyRun) => void;
  reject: (error: unknown) => void;
}

export interface VerifyBatcherOptions {
  /** Verifies a batch of distinct monitors in one transaction; runs in the order of the jobs. */
  run: (jobs: VerifyJob[]) => Promise<VerifyRun[]>;
  /** Monitors per transaction. */
  maxBatch: number;
  /** Transactions in flight at once; while they run, the next batch fills up. */
  maxInFlight: number;
}

const keyOf = (job: VerifyJob) => `${job.orgId}/${job.monitorId}`;

/**
 * Groups the verifications in hand into batches, one transaction each (group commit): when a
 * transaction slot is free a batch goes at once, so a quiet verifier decides one monitor at a time
 * and a busy one many per round trip. A monitor is never twice in one batch; a batch that fails is
 * run again monitor by monitor, so one bad monitor fails only its own verification.
 */
export class VerifyBatcher {
  private pending: Entry[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: VerifyBatcherOptions) {}

  verify(job: VerifyJob): Promise<VerifyRun> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    // Let the verifications of this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.pending.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    const batch: Entry[] = [];
    const rest: Entry[] = [];
    const seen = new Set<string>();
    for (const entry of this.pending) {
      const key = keyOf(entry.job);
      if (batch.length < this.options.maxBatch && !seen.has(key)) {
        seen.add(key);
        batch.push(entry);
      } else {
        rest.push(entry);
      }
    }
    this.pending = rest;
    this.inFlight++;
    void this.execute(batch).finally(() => {
      this.inFlight--;
      this.schedule();
    });
    this.schedule();
  }

  private async execute(batch: Entry[]): Promise<void> {
    try {
      const runs = await this.options.run(batch.map((entry) => entry.job));
      batch.forEach((entry, i) => {
        const run = runs[i];
        if (run) entry.resolve(run);
        else entry.reject(new Error(`no verification came back for monitor ${entry.job.monitorId}`));
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      await Promise.all(
        batch.map((entry) =>
          this.options
            .run([entry.job])
            .then(
              ([run]) =>
                run
                  ? entry.resolve(run)
                  : entry.reject(new Error(`no verification came back for ${entry.job.monitorId}`)),
              entry.reject,
            ),
        ),
      );
    }
  }
}
