import { Writable } from 'node:stream';
import { createDb } from '@sentinelmesh/db';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { freePort } from '@sentinelmesh/stack/ports';
import { waitFor } from '@sentinelmesh/stack/wait';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { keepResultPartitions } from '../src/result-partitions';

const DAY = 86_400_000;
const silent = createLogger('partitions-test', 'silent');
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

const partitionName = (at: number) =>
  `check_results_p${new Date(at).toISOString().slice(0, 10).replaceAll('-', '')}`;

async function hasPartition(at: number): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`
    SELECT to_regclass(${partitionName(at)}) IS NOT NULL AS present`.execute(t.db);
  return rows[0]?.present === true;
}

describe('the result partition keeper', () => {
  it('creates the partitions a week ahead before it returns, and moves on with the clock every round', async () => {
    // Far from the template's own partitions, so everything seen here is the keeper's work.
    let now = Date.UTC(2035, 0, 1, 12);
    const keeper = await keepResultPartitions({
      db: t.db,
      logger: silent,
      everyMs: 50,
      now: () => new Date(now),
    });
    try {
      for (let day = -1; day <= 7; day++) expect(await hasPartition(now + day * DAY)).toBe(true);
      expect(await hasPartition(now + 8 * DAY)).toBe(false);

      now += 30 * DAY;
      await waitFor('the next round to reach the new week', () => hasPartition(now + 7 * DAY), {
        timeoutMs: 10_000,
        intervalMs: 25,
      });
    } finally {
      await keeper.stop();
    }
  });

  it('logs a failure instead of failing the start-up, and stops cleanly', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const unreachable = createDb({
      connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none`,
    });
    try {
      const keeper = await keepResultPartitions({
        db: unreachable,
        logger: createLogger('partitions-test', 'error', sink),
      });
      await keeper.stop();
      expect(lines.some((line) => line.includes('could not create result partitions'))).toBe(true);
    } finally {
      await unreachable.destroy();
    }
  });
});
