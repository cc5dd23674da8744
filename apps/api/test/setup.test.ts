import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, signupUser, startApi, type TestApi } from './helpers';

let testDb: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const setup = () => api.app.inject({ method: 'GET', url: '/v1/setup' });

describe('GET /v1/setup', () => {
  it('tells anyone, without a credential, only whether an account exists: no before the first sign-up, yes after', async () => {
    const fresh = await setup();
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers['cache-control']).toBe('no-store');
    expect(fresh.json()).toEqual({ hasAccounts: false });

    await signupUser(api.app);
    const after = await setup();
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ hasAccounts: true });
  });
});
