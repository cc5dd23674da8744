import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@sentinelmesh/platform';

/**
 * Results the gateway has not answered for yet, on disk: each appended batch is one segment file of
 * JSON lines, written and fsync'd before `append` resolves, so a result survives a crash or restart
 * once its batch is appended. Segments are delivered oldest first and removed only once the gateway
 * answered for every record in them. The whole spool is bounded in bytes: when a new batch does not
 * fit, the oldest segments are dropped and their records counted (the count survives restarts too).
 * A record cut short by a crash while its segment was written is skipped and counted, never fatal.
 */
export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  logger: Logger;
}

interface Segment {
  seq: number;
  file: string;
  bytes: number;
  records: number;
}

/** Records taken for one delivery: hand the same object back to `ack` once the gateway answered. */
export interface SpoolBatch<T> {
  records: T[];
  /** Segments wholly in the batch, and how many records of the next one (a segment larger than `max`). */
  segments: number[];
  partial: { seq: number; records: number } | null;
}

const SEGMENT = /^seg-(\d{12})\.jsonl$/;
const segmentName = (seq: number) => `seg-${String(seq).padStart(12, '0')}.jsonl`;
const DROPPED_FILE = 'dropped';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

async function writeDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class Spool<T> {
  private segments: Segment[] = [];
  private nextSeq = 1;
  private droppedCount = 0;
  /** Every change to the files runs after the one before it. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: SpoolOptions) {}

  /** Opens (creating) the spool folder and takes up the segments a previous run left. */
  static async open<T>(options: SpoolOptions): Promise<Spool<T>> {
    const spool = new Spool<T>(options);
    await mkdir(options.dir, { recursive: true });
    await spool.recover();
    return spool;
  }

  /** Records held on disk, not yet answered for. */
  get held(): number {
    return this.segments.reduce((sum, s) => sum + s.records, 0);
  }

  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Records dropped to keep within the bound (or cut short by a crash), since the spool was made. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Writes `records` as one segment and syncs it; older segments make room when it would not fit. */
  append(records: T[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.serial(async () => {
      let lines = records.map((r) => `${JSON.stringify(r)}\n`);
      let bytes = lines.reduce((sum, l) => sum + Buffer.byteLength(l), 0);
      let dropped = 0;
      while (this.bytes + bytes > this.options.maxBytes && this.segments.length > 0) {
        const oldest = this.segments.shift() as Segment;
        dropped += oldest.records;
        await rm(path.join(this.options.dir, oldest.file), { force: true });
      }
      // A batch larger than the whole bound keeps its newest records.
      while (bytes > this.options.maxBytes && lines.length > 0) {
        bytes -= Buffer.byteLength(lines[0] as string);
        lines = lines.slice(1);
        dropped++;
      }
      if (lines.length > 0) {
        const seq = this.nextSeq++;
        const file = segmentName(seq);
        await writeDurably(path.join(this.options.dir, file), lines.join(''));
        this.segments.push({ seq, file, bytes, records: lines.length });
      }
      if (dropped > 0) await this.countDropped(dropped);
      await syncDir(this.options.dir);
    });
  }

  /** The oldest records, at most `max`, in the order they were appended. */
  async take(max: number): Promise<SpoolBatch<T>> {
    const batch: SpoolBatch<T> = { records: [], segments: [], partial: null };
    for (const segment of [...this.segments]) {
      const room = max - batch.records.length;
      if (room <= 0) break;
      const records = await this.read(segment);
      if (records === null) continue;
      if (records.length <= room) {
        batch.records.push(...records);
        batch.segments.push(segment.seq);
      } else {
        // Only when the gateway takes fewer per post than a segment holds; the rest stays for next time.
        if (batch.records.length === 0) {
          batch.records.push(...records.slice(0, room));
          batch.partial = { seq: segment.seq, records: room };
        }
        break;
      }
    }
    return batch;
  }

  /** Removes what `batch` took: the gateway answered for every record of it. */
  ack(batch: SpoolBatch<T>): Promise<void> {
    return this.serial(async () => {
      const done = new Set(batch.segments);
      for (const segment of this.segments.filter((s) => done.has(s.seq)))
        await rm(path.join(this.options.dir, segment.file), { force: true });
      this.segments = this.segments.filter((s) => !done.has(s.seq));
      const partial = batch.partial && this.segments.find((s) => s.seq === batch.partial?.seq);
      if (partial && batch.partial) {
        const rest = ((await this.read(partial)) ?? []).slice(batch.partial.records);
        const text = rest.map((r) => `${JSON.stringify(r)}\n`).join('');
        const file = path.join(this.options.dir, partial.file);
        await writeDurably(`${file}.tmp`, text);
        await rename(`${file}.tmp`, file);
        partial.records = rest.length;
        partial.bytes = Buffer.byteLength(text);
      }
      await syncDir(this.options.dir);
    });
  }

  /** Waits for the writes under way. */
  async close(): Promise<void> {
    await this.queue;
  }

  private serial<R>(work: () => Promise<R>): Promise<R> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A segment's records; null when it is gone (dropped while it was being delivered). */
  private async read(segment: Segment): Promise<T[] | null> {
    let text: string;
    try {
      text = await readFile(path.join(this.options.dir, segment.file), 'utf8');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    return parseLines<T>(text).records;
  }

  private async countDropped(count: number): Promise<void> {
    this.droppedCount += count;
    const file = path.join(this.options.dir, DROPPED_FILE);
    await writeFile(`${file}.tmp`, String(this.droppedCount));
    await rename(`${file}.tmp`, file);
    this.options.logger.warn(
      { dropped: count, droppedTotal: this.droppedCount },
      'spool full: dropped the oldest results',
    );
  }

  private async recover(): Promise<void> {
    const { dir, logger } = this.options;
    this.droppedCount = await readFile(path.join(dir, DROPPED_FILE), 'utf8').then(
      (text) => Number.parseInt(text, 10) || 0,
      () => 0,
    );
    const files = (await readdir(dir)).filter((f) => SEGMENT.test(f)).sort();
    let torn = 0;
    for (const file of files) {
      const text = await readFile(path.join(dir, file), 'utf8');
      const parsed = parseLines<T>(text);
      const seq = Number((SEGMENT.exec(file) as RegExpExecArray)[1]);
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      torn += parsed.torn;
      if (parsed.records.length === 0) {
        await rm(path.join(dir, file), { force: true });
        continue;
      }
      this.segments.push({ seq, file, bytes: Buffer.byteLength(text), records: parsed.records.length });
    }
    for (const stale of (await readdir(dir)).filter((f) => f.endsWith('.tmp')))
      await rm(path.join(dir, stale), { force: true });
    if (torn > 0) {
      logger.warn({ torn }, 'spool: skipped records cut short by an earlier crash');
      await this.countDropped(torn);
    }
    if (this.segments.length > 0)
      logger.info(
        { held: this.held, segments: this.segments.length },
        'spool: results held from an earlier run',
      );
  }
}

/** JSON lines; a line that does not parse (cut short while written) is counted and skipped. */
function parseLines<T>(text: string): { records: T[]; torn: number } {
  const records: T[] = [];
  let torn = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      torn++;
    }
  }
  return { records, torn };
}
