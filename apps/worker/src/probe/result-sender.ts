import type { Logger } from '@sentinelmesh/platform';
import { createBackoff, pause } from './backoff';
import { type GatewayClient, GatewayError, TokenRefusedError } from './gateway-client';
import type { Spool } from './spool';
import type { WireResult } from './wire';

export interface ResultSenderOptions {
  spool: Spool<WireResult>;
  client: Pick<GatewayClient, 'postResults'>;
  /** The session's maxResultsPerPost (it may change when the session is read again). */
  maxPerPost: () => number;
  /** Longest a result waits in memory before its batch goes to the spool. Default 1 s. */
  flushMs?: number;
  onTokenRefused: (error: TokenRefusedError) => void;
  logger: Logger;
  backoff?: ReturnType<typeof createBackoff>;
}

/**
 * Every result goes to the spool first, in batches (at most a second, or maxResultsPerPost, in
 * memory); one loop delivers the spool oldest first and removes a batch only once the gateway
 * answered for it. While the gateway is unreachable the loop backs off and the spool fills.
 */
export function createResultSender(options: ResultSenderOptions) {
  const log = options.logger.child({ component: 'result-sender' });
  const backoff = options.backoff ?? createBackoff();
  const flushMs = options.flushMs ?? 1_000;
  const stop = new AbortController();
  let buffer: WireResult[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  let wake: (() => void) | null = null;
  /** Set by every flush, so a batch appended while the loop was busy is not waited for. */
  let appended = false;
  let delivered = 0;
  let duplicates = 0;
  let refused = 0;
  /** Fewer than maxPerPost after the gateway refused a whole batch as too large or malformed. */
  let postLimit: number | null = null;

  function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    const batch = buffer;
    buffer = [];
    flushing = flushing
      .then(() => options.spool.append(batch))
      .then(
        () => {
          appended = true;
          wake?.();
        },
        (error: unknown) => {
          // The disk refused the batch: keep it in memory for the next flush rather than lose it.
          log.error({ err: error, results: batch.length }, 'cannot write results to the spool');
          buffer = batch.concat(buffer);
        },
      );
    return flushing;
  }

  stop.signal.addEventListener('abort', () => wake?.(), { once: true });
  const nextBatch = () =>
    appended || stop.signal.aborted
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          wake = resolve;
        }).finally(() => {
          wake = null;
        });

  async function deliverOnce(): Promise<'sent' | 'empty' | 'failed'> {
    const max = Math.max(1, Math.min(options.maxPerPost(), postLimit ?? Number.POSITIVE_INFINITY));
    appended = false;
    const batch = await options.spool.take(max);
    if (batch.records.length === 0) return 'empty';
    try {
      const answer = await options.client.postResults(batch.records);
      await options.spool.ack(batch);
      delivered += answer.accepted;
      duplicates += answer.duplicates;
      refused += answer.refused.length;
      for (const r of answer.refused.slice(0, 5))
        log.warn(
          { monitorId: batch.records[r.index]?.monitorId, reason: r.reason },
          'gateway refused a result',
        );
      backoff.reset();
      postLimit = null;
      return 'sent';
    } catch (error) {
      if (error instanceof TokenRefusedError) {
        options.onTokenRefused(error);
        return 'failed';
      }
      if (error instanceof GatewayError && !error.transient) {
        if (batch.records.length > 1) {
          // Too large, or one record the gateway cannot read: halve until the bad one is alone.
          postLimit = Math.ceil(batch.records.length / 2);
          return 'sent';
        }
        log.error(
          { err: error, monitorId: batch.records[0]?.monitorId },
          'gateway refused a result; dropping it',
        );
        await options.spool.ack(batch);
        refused++;
        return 'sent';
      }
      log.warn({ err: error, held: options.spool.held }, 'cannot deliver results; keeping them in the spool');
      return 'failed';
    }
  }

  const loop = (async () => {
    while (!stop.signal.aborted) {
      const outcome = await deliverOnce();
      if (outcome === 'empty') await nextBatch();
      else if (outcome === 'failed') await pause(backoff.next(), stop.signal);
    }
  })();

  return {
    push(result: WireResult): void {
      buffer.push(result);
      if (buffer.length >= options.maxPerPost()) void flush();
      else flushTimer ??= setTimeout(() => void flush(), flushMs);
    },
    /** Results held: in memory and in the spool. */
    get held(): number {
      return buffer.length + options.spool.held;
    },
    get stats() {
      return { delivered, duplicates, refused, dropped: options.spool.dropped };
    },
    /**
     * Writes what is in memory to the spool, gives delivery up to `drainMs` to empty it, and stops;
     * the spool keeps the rest for the next start.
     */
    async close(drainMs = 0): Promise<void> {
      await flush();
      const deadline = Date.now() + drainMs;
      while (options.spool.held > 0 && backoff.failures === 0 && Date.now() < deadline)
        await pause(50, stop.signal);
      stop.abort();
      await loop;
      await flushing;
      await options.spool.close();
    },
  };
}

export type ResultSender = ReturnType<typeof createResultSender>;
