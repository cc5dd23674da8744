import { createTestDatabase } from '@sentinelmesh/db/testing';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { type Case, casesOf, describeCase, randomCase, requestOf } from './fuzz/cases';
import { type Operation, operationsOf } from './fuzz/operations';
import { createWorld, type World, worldIntact } from './fuzz/world';
import { startApi } from './helpers';

// Generated from the served OpenAPI document, so operations added later are covered without edits here.
const testDb = await createTestDatabase();
// No per-credential limit: a 429 would hide what the handlers do with the values.
const api = await startApi(testDb, { env: { RATE_LIMIT_PER_MINUTE: '0' } });
const { operations, resolve } = operationsOf(
  (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json(),
);

afterAll(async () => {
  await api.app.close();
  await testDb.drop();
});

const SEED = 20_261_129;
const IN_FLIGHT = 4;
const RANDOM_BATCHES = 6;
const ANSWER_WITHIN_MS = 5_000;

let world: World | undefined;
/** After a write that succeeded: `session` when it may have ended the session, `objects` when it named one. */
let suspect: 'none' | 'session' | 'objects' = 'none';

/** The world, built again when a request that succeeded has ended its session or deleted part of it. */
async function currentWorld(): Promise<World> {
  const check = suspect;
  suspect = 'none';
  if (world && check !== 'none') {
    if (!(await worldIntact(api.app, testDb, world, false))) world = undefined;
    else if (check === 'objects' && !(await worldIntact(api.app, testDb, world, true)))
      // The organization may have reached a quota by now: then a new one.
      world = await createWorld(api.app, testDb, world.owner).catch(() => undefined);
  }
  world ??= await createWorld(api.app, testDb);
  return world;
}

/** Throws, naming the operation and the malformed value, unless the answer is a 2xx–4xx and every 4xx a problem. */
function checkAnswer(op: Operation, c: Case, res: LightMyRequestResponse): void {
  const where = `${op.label} ${describeCase(c)}`;
  if (res.statusCode >= 500) throw new Error(`${where}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  if (res.statusCode < 400) {
    if (op.method === 'GET') return;
    // Creating or changing objects leaves the world's objects there; a deletion or an action may not.
    if (op.method === 'DELETE' || (op.method === 'POST' && op.path.includes('{'))) suspect = 'objects';
    else if (suspect === 'none') suspect = 'session';
    return;
  }
  const type = String(res.headers['content-type']);
  if (!type.startsWith('application/problem+json')) {
    throw new Error(
      `${where}: ${res.statusCode} answered as ${type}, not a problem: ${res.body.slice(0, 200)}`,
    );
  }
  const body = res.json() as { type?: unknown; title?: unknown; status?: unknown };
  if (typeof body.type !== 'string' || typeof body.title !== 'string' || body.status !== res.statusCode) {
    throw new Error(`${where}: ${res.statusCode} with an incomplete problem: ${res.body.slice(0, 200)}`);
  }
}

async function send(op: Operation, c: Case, w: World): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${op.label} ${describeCase(c)}: no answer within ${ANSWER_WITHIN_MS} ms`)),
      ANSWER_WITHIN_MS,
    );
  });
  try {
    checkAnswer(op, c, await Promise.race([api.app.inject(requestOf(op, c, resolve, w)), stalled]));
  } finally {
    clearTimeout(timer);
  }
}

// A live stream answers 200 and never ends, so an injected request to it never completes;
// events.test.ts covers that route (credentials, limits, isolation, its end).
const STREAMS = new Set(['GET /v1/events']);
// Deletions last, so the objects the other operations need exist while they run.
const ordered = [...operations.filter((op) => !STREAMS.has(op.label))].sort(
  (a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'),
);

describe('malformed requests generated from the OpenAPI document', () => {
  it('finds the operations in the document', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.map((op) => op.label)).toContain('POST /v1/monitors');
  });

  for (const op of ordered) {
    it(`${op.label} answers every malformed value with a 4xx problem, never a 5xx`, {
      timeout: 60_000,
    }, async () => {
      // A few cases at a time, so the database works on several while the API validates the next.
      const fixed = casesOf(op, resolve);
      const examples: Array<[Case[]]> = [];
      for (let i = 0; i < fixed.length; i += IN_FLIGHT) examples.push([fixed.slice(i, i + IN_FLIGHT)]);
      let sent = 0;
      // Examples count against numRuns: every fixed batch first, then the random ones.
      const numRuns = examples.length + RANDOM_BATCHES;
      await fc.assert(
        fc.asyncProperty(
          fc.array(randomCase(op, resolve), { minLength: IN_FLIGHT, maxLength: IN_FLIGHT }),
          async (batch) => {
            const w = await currentWorld();
            sent += batch.length;
            await Promise.all(batch.map((c) => send(op, c, w)));
          },
        ),
        { seed: SEED, numRuns, examples, endOnFailure: true },
      );
      expect(sent).toBe(fixed.length + RANDOM_BATCHES * IN_FLIGHT);
    });
  }
});
