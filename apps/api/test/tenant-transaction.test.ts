import { DomainError } from '@sentinelmesh/core';
import { createDb } from '@sentinelmesh/db';
import { type TestDatabase, uniqueQueuePrefix } from '@sentinelmesh/db/testing';
import { connectRedis, createLogger } from '@sentinelmesh/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/app';
import { createTestDatabase, expectProblem, type Session, signupUser, testEnv } from './helpers';

// Requests through the app's real hooks, to routes that write a tenant row and then end in different ways.
let testDb: TestDatabase;
let app: App;
let owner: Session;
const seenAfterCommit: Array<number | null> = [];

const limitOf = async (orgId: string) =>
  (
    await testDb.db
      .selectFrom('organization_limits')
      .select('max_monitors')
      .where('org_id', '=', orgId)
      .executeTakeFirst()
  )?.max_monitors ?? null;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const config = testEnv(testDb, uniqueQueuePrefix());
  app = await buildApp({
    config,
    db: createDb({ connectionString: testDb.url, max: 2, applicationName: 'sentinelmesh-api-test' }),
    redis: connectRedis(config),
    logger: createLogger('api-test', 'silent'),
  });
  app.post<{ Params: { orgId: string; end: string } }>('/test/:orgId/:end', async (request, reply) => {
    const ctx = await app.openTenant(request, request.params.orgId);
    const value = Number(request.headers['x-limit']);
    await ctx.db
      .insertInto('organization_limits')
      .values({ org_id: ctx.orgId, max_monitors: value })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ max_monitors: value }))
      .execute();
    // What another connection sees once the task runs: the row is committed by then.
    ctx.afterCommit(async () => {
      seenAfterCommit.push(await limitOf(ctx.orgId));
    });
    const { end } = request.params;
    if (end === 'problem') throw new DomainError('conflict', 'refused after writing');
    if (end === 'crash') throw new Error('a bug after writing');
    if (end === 'lost-connection') {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(ctx.db);
      await sql`SELECT pg_terminate_backend(${rows[0]?.pid})`.execute(testDb.db);
    }
    return reply.code(201).send({ written: value });
  });
  await app.ready();
  owner = await signupUser(app);
});

afterAll(async () => {
  await app?.close();
  await testDb?.drop();
});

const send = (end: string, limit: number) =>
  app.inject({ method: 'POST', url: `/test/${owner.orgId}/${end}`, headers: { 'x-limit': String(limit) } });

describe('the request tenant transaction', () => {
  it('commits before the reply: what a 2xx wrote is visible to other connections when it arrives', async () => {
    seenAfterCommit.length = 0;
    const res = await send('ok', 7);
    expect(res.statusCode).toBe(201);
    expect(await limitOf(owner.orgId)).toBe(7);
    expect(seenAfterCommit).toEqual([7]);
  });

  it('rolls back what a request wrote when it answers with a problem, and skips its after-commit tasks', async () => {
    seenAfterCommit.length = 0;
    expectProblem(await send('problem', 8), 409);
    expectProblem(await send('crash', 9), 500);
    expect(await limitOf(owner.orgId)).toBe(7);
    expect(seenAfterCommit).toEqual([]);
  });

  it('answers 500, not a 2xx, when the commit fails', async () => {
    seenAfterCommit.length = 0;
    expectProblem(await send('lost-connection', 10), 500);
    expect(await limitOf(owner.orgId)).toBe(7);
    expect(seenAfterCommit).toEqual([]);
  });

  it('gives every connection back: more requests than the pool holds, after each way of ending, still pass', async () => {
    for (let i = 0; i < 3; i += 1) {
      expectProblem(await send('problem', 20), 409);
      expectProblem(await send('crash', 20), 500);
    }
    expect((await send('ok', 11)).statusCode).toBe(201);
    expect(await limitOf(owner.orgId)).toBe(11);
  });
});
