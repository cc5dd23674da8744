import { type CheckResult, emptyPhases } from '@sentinelmesh/core';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { createLogger } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultWriter } from '../src/result-writer';

let t: TestDatabase;
let writer: ResultWriter;
const monitorId = '00000000-0000-4000-8000-00000000000a';
const orgId = '00000000-0000-4000-8000-00000000000b';

beforeAll(async () => {
  t = await createTestDatabase();
  writer = new ResultWriter({ db: t.db, logger: createLogger('test', 'silent'), batchMs: 20 });
});
afterAll(async () => {
  await writer?.close();
  await t?.drop();
});

let slot = Date.UTC(2030, 5, 1);
function result(overrides: Partial<CheckResult> = {}): CheckResult {
  slot += 1000;
  return {
    orgId,
    monitorId,
    scheduledAt: new Date(slot),
    checkedAt: new Date(slot + 5),
    region: 'local',
    kind: 'scheduled',
    attempt: 0,
    ok: true,
    statusCode: 200,
    latencyMs: 12,
    phases: emptyPhases,
    certExpiresAt: null,
    error: null,
    failedAssertions: [],
    ...overrides,
  };
}

const rowsAt = (at: Date) =>
  t.db
    .selectFrom('check_results')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .where('scheduled_at', '=', at)
    .execute();

describe('result writer', () => {
  it('writes a lone result once no other write comes for the quiet gap, not after the whole window', async () => {
    const quiet = new ResultWriter({
      db: t.db,
      logger: createLogger('test', 'silent'),
      batchMs: 60_000,
      idleMs: 20,
    });
    try {
      const r = result();
      // Resolves only once the row is durable: with a one-minute window, only the quiet gap can send it.
      await quiet.write(r);
      expect(await rowsAt(r.scheduledAt)).toHaveLength(1);
    } finally {
      await quiet.close();
    }
  });

  it('sends a batch that keeps growing once its window is over', async () => {
    const batches: number[] = [];
    const busy = new ResultWriter<number>({
      db: t.db,
      logger: createLogger('test', 'silent'),
      batchMs: 50,
      idleMs: 60_000,
      afterInsert: async (tags) => {
        batches.push(tags.length);
      },
    });
    try {
      const writes: Promise<void>[] = [];
      // A write every few milliseconds, never quiet: the window alone sends the batch.
      const started = Date.now();
      let i = 0;
      while (batches.length === 0 && Date.now() - started < 10_000) {
        writes.push(busy.write(result(), i++));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all(writes);
      expect(batches.length).toBeGreaterThanOrEqual(1);
      expect(batches[0]).toBeGreaterThan(1);
    } finally {
      await busy.close();
    }
  });

  it('runs afterInsert once per batch with its tags, after the rows are durable, before the writes resolve', async () => {
    const seen: Array<{ tags: string[]; stored: number }> = [];
    const tagged = new ResultWriter<string>({
      db: t.db,
      logger: createLogger('test', 'silent'),
      batchMs: 20,
      afterInsert: async (tags) => {
        const stored = await t.db
          .selectFrom('check_results')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('monitor_id', '=', monitorId)
          .where(
            'scheduled_at',
            'in',
            results.map((r) => r.scheduledAt),
          )
          .executeTakeFirstOrThrow();
        seen.push({ tags: [...tags].sort(), stored: stored.n });
      },
    });
    const results = [result(), result(), result()];
    try {
      await Promise.all(results.map((r, i) => tagged.write(r, `poke-${i}`)));
      expect(seen).toEqual([{ tags: ['poke-0', 'poke-1', 'poke-2'], stored: 3 }]);
    } finally {
      await tagged.close();
    }
  });

  it('fails the writes of a batch whose afterInsert fails, so their jobs run again', async () => {
    const failing = new ResultWriter<string>({
      db: t.db,
      logger: createLogger('test', 'silent'),
      afterInsert: async () => {
        throw new Error('Redis is unavailable');
      },
    });
    try {
      await expect(failing.write(result(), 'poke')).rejects.toThrow('Redis is unavailable');
    } finally {
      await failing.close();
    }
  });

  it('writes results that arrive together in one batch, each once', async () => {
    const results = [result(), result(), result()];
    await Promise.all([...results, ...results].map((r) => writer.write(r)));
    for (const r of results) expect(await rowsAt(r.scheduledAt)).toHaveLength(1);
  });

  it('keeps the first result of a slot when the same slot is written again', async () => {
    const first = result({ ok: true });
    await writer.write(first);
    await writer.write({ ...first, ok: false, checkedAt: new Date(first.checkedAt.getTime() + 1) });
    expect(await rowsAt(first.scheduledAt)).toMatchObject([{ ok: true }]);
  });

  it('rejects a row that can never be written without failing the rest of its batch', async () => {
    const bad = result({ kind: 'bogus' as CheckResult['kind'] });
    const good = result();
    const [badWrite, goodWrite] = await Promise.allSettled([writer.write(bad), writer.write(good)]);
    expect(badWrite.status).toBe('rejected');
    expect(goodWrite.status).toBe('fulfilled');
    expect(await rowsAt(good.scheduledAt)).toHaveLength(1);
  });

  it('stores a response with NUL characters, which Postgres refuses in text', async () => {
    const odd = result({
      ok: false,
      error: { kind: 'assertion', message: 'body eq "a", got "\u0000b"' },
      failedAssertions: [{ source: 'body', op: 'eq', expected: 'a', actual: '\u0000b' }],
    });
    await writer.write(odd);
    expect(await rowsAt(odd.scheduledAt)).toMatchObject([
      { error_message: 'body eq "a", got "b"', failed_assertions: [{ actual: 'b' }] },
    ]);
  });

  it("stores a type's details, bounded, and no details as null", async () => {
    const measured = result({
      details: [
        { label: 'RTT avg', value: 0.4, unit: 'ms' },
        { label: 'loss', value: Number.NaN, unit: 'percent' },
        ...Array.from({ length: 60 }, (_, i) => ({ label: `step ${i}`, value: 'x'.repeat(500) })),
      ],
    });
    const plain = result();
    await Promise.all([writer.write(measured), writer.write(plain)]);
    const [row] = await rowsAt(measured.scheduledAt);
    expect(row?.details).toHaveLength(40);
    expect(row?.details?.slice(0, 2)).toEqual([
      { label: 'RTT avg', value: 0.4, unit: 'ms' },
      { label: 'loss', value: null, unit: 'percent' },
    ]);
    expect(String(row?.details?.[2]?.value)).toHaveLength(200);
    expect(await rowsAt(plain.scheduledAt)).toMatchObject([{ details: null }]);
  });
});
