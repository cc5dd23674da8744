import { performance } from 'node:perf_hooks';
import { boundDetails, type CheckResult, MAX_SCREENSHOT_BYTES } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import type { Logger } from './logger';

export interface ResultWriterOptions<Tag> {
  db: Db;
  logger: Logger;
  /**
   * Runs once per batch after its rows are durable, with the tags its writes came with (the
   * verifier pokes, one Redis round trip per batch); a write resolves only after it succeeded.
   */
  afterInsert?: (tags: Tag[]) => Promise<void>;
  /**
   * The longest a result waits for others to share its INSERT (and its batch's one verify job):
   * long enough that a busy worker writes many rows per statement, short beside the second a
   * verdict may take. Default 80 ms.
   */
  batchMs?: number;
  /**
   * A batch goes as soon as no write came for this long (default 10 ms): a quiet worker writes at
   * once, and a worker whose jobs all wait on the batch is not kept waiting for the whole window.
   */
  idleMs?: number;
  /** Rows that make a batch go at once. Default 500. */
  maxBatch?: number;
  /** How long a batch keeps retrying while Postgres is unavailable before its jobs fail. */
  maxRetryMs?: number;
  onRetry?: () => void;
}

interface Pending<Tag> {
  row: ReturnType<typeof toRow>;
  artifact: ReturnType<typeof toArtifact>;
  tag: Tag | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Postgres refuses NUL in text and jsonb; a target may well send one.
const noNul = (text: string) => text.replaceAll('\u0000', '');
const toJson = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? noNul(v) : v));

function toRow(result: CheckResult) {
  return {
    org_id: result.orgId,
    monitor_id: result.monitorId,
    scheduled_at: result.scheduledAt,
    checked_at: result.checkedAt,
    region: result.region,
    kind: result.kind,
    attempt: result.attempt,
    ok: result.ok,
    status_code: result.statusCode,
    latency_ms: result.latencyMs,
    phases: toJson(result.phases),
    cert_expires_at: result.certExpiresAt,
    error_kind: result.error?.kind ?? null,
    error_message: result.error ? noNul(result.error.message) : null,
    failed_assertions: toJson(result.failedAssertions),
    details: result.details?.length ? toJson(boundDetails(result.details)) : null,
  };
}

/** The screenshot a result carries, keyed like its row; null for most results. */
function toArtifact(result: CheckResult) {
  if (!result.screenshot || result.screenshot.length === 0 || result.screenshot.length > MAX_SCREENSHOT_BYTES)
    return null;
  return {
    org_id: result.orgId,
    monitor_id: result.monitorId,
    scheduled_at: result.scheduledAt,
    region: result.region,
    kind: result.kind,
    png: Buffer.from(result.screenshot),
  };
}

/** A data, integrity or statement error: retrying the same rows cannot help. */
export function isPermanentDbError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}

export const DEFAULT_BATCH_MS = 80;
export const DEFAULT_MAX_BATCH = 500;
export const DEFAULT_IDLE_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Appends check results to `check_results` in batches, once per slot (ON CONFLICT DO NOTHING).
 * `write` resolves only when the row is durable and the batch's `afterInsert` is done. While
 * Postgres is unavailable the batch is kept and retried with backoff, so a computed result is not
 * thrown away and its check not re-run.
 */
export class ResultWriter<Tag = never> {
  private pending: Pending<Tag>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private lastWriteAt = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ResultWriterOptions<Tag>) {}

  write(result: CheckResult, tag?: Tag): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row: toRow(result), artifact: toArtifact(result), tag, resolve, reject });
      this.lastWriteAt = performance.now();
      if (this.pending.length >= (this.options.maxBatch ?? DEFAULT_MAX_BATCH)) this.flush();
      else {
        this.timer ??= setTimeout(() => this.flush(), this.options.batchMs ?? DEFAULT_BATCH_MS);
        this.idleTimer ??= setTimeout(() => this.flushIfIdle(), this.idleMs);
      }
    });
  }

  private get idleMs(): number {
    return this.options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** One timer for the quiet gap, moved on lazily rather than re-armed on every write. */
  private flushIfIdle(): void {
    this.idleTimer = null;
    if (this.pending.length === 0) return;
    const quietMs = performance.now() - this.lastWriteAt;
    if (quietMs >= this.idleMs) this.flush();
    else this.idleTimer = setTimeout(() => this.flushIfIdle(), this.idleMs - quietMs);
  }

  /** Writes what is pending and waits for every batch in flight. */
  async close(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.timer = null;
    this.idleTimer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const done = this.insert(batch).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async insert(batch: Pending<Tag>[]): Promise<void> {
    try {
      await this.insertWithRetry(batch.map((p) => p.row));
      const artifacts = batch.flatMap((p) => (p.artifact ? [p.artifact] : []));
      if (artifacts.length > 0) await this.insertArtifacts(artifacts);
    } catch (error) {
      if (batch.length > 1 && isPermanentDbError(error)) {
        // One bad row must not sink the others: write them one by one.
        await Promise.all(batch.map((p) => this.insert([p])));
        return;
      }
      for (const p of batch) p.reject(error);
      return;
    }
    try {
      const tags = batch.flatMap((p) => (p.tag === undefined ? [] : [p.tag]));
      if (tags.length > 0) await this.options.afterInsert?.(tags);
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }

  private insertWithRetry(rows: Pending<Tag>['row'][]): Promise<void> {
    return this.withRetry(rows.length, () =>
      this.options.db
        .insertInto('check_results')
        .values(rows)
        .onConflict((oc) => oc.columns(['monitor_id', 'scheduled_at', 'region', 'kind']).doNothing())
        .execute(),
    );
  }

  /** Screenshots go after their results; one that cannot be stored is logged, its result stands. */
  private async insertArtifacts(rows: NonNullable<Pending<Tag>['artifact']>[]): Promise<void> {
    try {
      await this.withRetry(rows.length, () =>
        this.options.db
          .insertInto('check_artifacts')
          .values(rows)
          .onConflict((oc) => oc.columns(['monitor_id', 'scheduled_at', 'region', 'kind']).doNothing())
          .execute(),
      );
    } catch (error) {
      this.options.logger.warn({ err: error, rows: rows.length }, 'screenshots not stored');
    }
  }

  private async withRetry(count: number, write: () => Promise<unknown>): Promise<void> {
    const deadline = Date.now() + (this.options.maxRetryMs ?? 60_000);
    for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await write();
        return;
      } catch (error) {
        if (isPermanentDbError(error) || Date.now() + delay > deadline) throw error;
        this.options.onRetry?.();
        this.options.logger.warn(
          { err: error, rows: count, retryInMs: delay },
          'result write failed; retrying',
        );
        await sleep(delay);
      }
    }
  }
}
