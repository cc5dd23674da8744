import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@sentinelmesh/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/probe/spool';

const logger = createLogger('spool-test', 'silent');

interface Rec {
  n: number;
  pad: string;
}
const recs = (from: number, count: number, pad = 'x'.repeat(80)): Rec[] =>
  Array.from({ length: count }, (_, i) => ({ n: from + i, pad }));
const numbers = (records: Rec[]) => records.map((r) => r.n);
/** Bytes of one record as the spool writes it. */
const lineBytes = Buffer.byteLength(`${JSON.stringify(recs(100, 1)[0])}\n`);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'probe-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (maxBytes = 1024 * 1024) => Spool.open<Rec>({ dir, maxBytes, logger });

async function drain(spool: Spool<Rec>, max = 1_000): Promise<number[]> {
  const seen: number[] = [];
  for (;;) {
    const batch = await spool.take(max);
    if (batch.records.length === 0) return seen;
    seen.push(...numbers(batch.records));
    await spool.ack(batch);
  }
}

describe('the probe spool', () => {
  it('hands out records oldest first and removes them only when acknowledged', async () => {
    const spool = await open();
    await spool.append(recs(100, 3));
    await spool.append(recs(103, 2));
    const batch = await spool.take(1_000);
    expect(numbers(batch.records)).toEqual([100, 101, 102, 103, 104]);
    // Not acknowledged (the gateway did not answer): the same records come again.
    expect(numbers((await spool.take(1_000)).records)).toEqual([100, 101, 102, 103, 104]);
    expect(spool.held).toBe(5);
    await spool.ack(batch);
    expect(spool.held).toBe(0);
    expect((await readdir(dir)).filter((f) => f.startsWith('seg-'))).toEqual([]);
  });

  it('takes at most the number asked for, splitting a segment larger than that', async () => {
    const spool = await open();
    await spool.append(recs(100, 5));
    await spool.append(recs(105, 2));
    const first = await spool.take(3);
    expect(numbers(first.records)).toEqual([100, 101, 102]);
    await spool.ack(first);
    expect(spool.held).toBe(4);
    expect(await drain(spool, 3)).toEqual([103, 104, 105, 106]);
  });

  it('keeps within its byte bound by dropping the oldest records first, and counts them', async () => {
    // Room for 10 records: four batches of 4 leave the newest two batches.
    const spool = await open(lineBytes * 10);
    for (let b = 0; b < 4; b++) await spool.append(recs(100 + b * 4, 4));
    expect(spool.bytes).toBeLessThanOrEqual(lineBytes * 10);
    expect(spool.dropped).toBe(8);
    expect(await drain(spool)).toEqual([108, 109, 110, 111, 112, 113, 114, 115]);
  });

  it('keeps the newest records of a single batch larger than the whole bound', async () => {
    const spool = await open(lineBytes * 3);
    await spool.append(recs(100, 5));
    expect(spool.dropped).toBe(2);
    expect(await drain(spool)).toEqual([102, 103, 104]);
  });

  it('gives back after a restart every record not acknowledged, in order, and the drop count', async () => {
    const first = await open(lineBytes * 6);
    await first.append(recs(100, 4));
    await first.append(recs(104, 4)); // drops 100..103
    const taken = await first.take(2);
    await first.ack(taken); // 104, 105 delivered
    await first.append(recs(108, 1));
    await first.close();

    const again = await open(lineBytes * 6);
    expect(again.held).toBe(3);
    expect(again.dropped).toBe(4);
    await again.append(recs(109, 1));
    expect(await drain(again)).toEqual([106, 107, 108, 109]);
  });

  it('tolerates a last record cut short by a crash: the whole ones are kept, the torn one counted', async () => {
    const spool = await open();
    await spool.append(recs(100, 3));
    await spool.close();
    const [segment] = (await readdir(dir)).filter((f) => f.startsWith('seg-'));
    await appendFile(path.join(dir, segment as string), '{"n":103,"pad":"xx');

    const again = await open();
    expect(again.held).toBe(3);
    expect(again.dropped).toBe(1);
    expect(await drain(again)).toEqual([100, 101, 102]);
  });

  it('ignores a segment with nothing readable in it and temporary files of an interrupted rewrite', async () => {
    await writeFile(path.join(dir, 'seg-000000000007.jsonl'), '{"n":');
    await writeFile(path.join(dir, 'seg-000000000008.jsonl.tmp'), '{"n":1}\n');
    const spool = await open();
    expect(spool.held).toBe(0);
    expect(spool.dropped).toBe(1);
    await spool.append(recs(100, 1));
    // New segments number after the ones found, so order holds across restarts.
    expect((await readdir(dir)).filter((f) => f.startsWith('seg-'))).toEqual(['seg-000000000008.jsonl']);
  });

  it('acknowledging a batch whose segment was dropped meanwhile removes nothing else', async () => {
    const spool = await open(lineBytes * 4);
    await spool.append(recs(100, 4));
    const inFlight = await spool.take(10);
    await spool.append(recs(104, 4)); // the segment being delivered is dropped to make room
    await spool.ack(inFlight);
    expect(await drain(spool)).toEqual([104, 105, 106, 107]);
    expect(spool.dropped).toBe(4);
  });

  it('writes each batch to disk before append resolves', async () => {
    const spool = await open();
    await spool.append(recs(100, 2));
    const files = (await readdir(dir)).filter((f) => f.startsWith('seg-'));
    const text = await readFile(path.join(dir, files[0] as string), 'utf8');
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Rec).n),
    ).toEqual([100, 101]);
  });
});
