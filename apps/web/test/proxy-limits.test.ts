import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../../test/support/stack';

let db: TestDatabase;
let stack: TestStack;
// Two clients of the dashboard on distinct loopback addresses; the launcher trusts the web hop only.
const attacker = new Agent({ localAddress: '127.0.0.2' });
const user = new Agent({ localAddress: '127.0.0.3' });

beforeAll(async () => {
  db = await createTestDatabase();
  // The real launcher: the API and the production Next.js server (built first when stale).
  stack = await startTestStack({ databaseUrl: db.url, apps: 'api,web', timeoutMs: 240_000 });
}, 300_000);

afterAll(async () => {
  await attacker.close();
  await user.close();
  await stack?.stop();
  await db?.drop();
}, 60_000);

async function post(
  base: string,
  agent: Agent,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await request(`${base}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('rate limits behind the dashboard', () => {
  it("50 bad logins from one client through the dashboard never block another client's logins", async () => {
    const accounts = ['first@example.com', 'second@example.com'];
    for (const email of accounts) {
      const res = await post(stack.web, user, '/api/v1/auth/signup', {
        email,
        password: 'correct horse battery',
        organizationName: email,
      });
      expect(res.status).toBe(201);
    }

    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await post(stack.web, attacker, '/api/v1/auth/login', {
        email: accounts[i % 2],
        password: `wrong guess ${i}`,
      });
      statuses.push(res.status);
    }
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses).toContain(429);

    for (const email of accounts) {
      const res = await post(stack.web, user, '/api/v1/auth/login', {
        email,
        password: 'correct horse battery',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
    }
  }, 120_000);

  it('ignores X-Forwarded-For sent by a client, to the dashboard or to the API directly', async () => {
    // The attacker's budget is spent (above): claiming another address changes nothing.
    for (const base of [stack.web, stack.api]) {
      const path = base === stack.web ? '/api/v1/auth/login' : '/v1/auth/login';
      const res = await post(
        base,
        attacker,
        path,
        { email: 'first@example.com', password: 'correct horse battery' },
        { 'x-forwarded-for': '203.0.113.77' },
      );
      expect(res.status).toBe(429);
    }
  });
});
