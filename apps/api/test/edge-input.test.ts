import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstorableText } from '../src/http/text-input';
import {
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

// What the OpenAPI property test found: input that passed the schemas and failed in Postgres as a
// 500, and router refusals that were not problems.

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('text Postgres cannot store', () => {
  it('finds NUL characters and unpaired surrogates in strings and keys, with their paths', () => {
    expect(
      unstorableText({
        name: 'a\u0000b',
        tags: ['fine', 'x\ud800'],
        headers: { 'k\u0000': 'v' },
        emoji: '😀',
        n: 1,
      }),
    ).toEqual([
      { path: 'headers.k\u0000', message: 'its name contains the NUL character (U+0000)' },
      { path: 'name', message: 'contains the NUL character (U+0000)' },
      { path: 'tags.1', message: 'is not well-formed Unicode (an unpaired surrogate)' },
    ]);
    expect(unstorableText(JSON.parse(`${'['.repeat(10_000)}"\\u0000"${']'.repeat(10_000)}`))).toHaveLength(1);
  });

  it('refuses a NUL character in a body field with a 400 naming it, and stores nothing', async () => {
    const as = client(api.app, owner.token);
    const res = await as.post('/v1/monitors', httpMonitor({ name: 'a\u0000b' }));
    expect(expectProblem(res, 400).errors).toEqual([
      { path: 'name', message: 'contains the NUL character (U+0000)' },
    ]);
    expect((await as.get('/v1/monitors')).json().items).toEqual([]);
  });

  it('refuses an unpaired surrogate in a field stored as JSON with a 400 naming it', async () => {
    const res = await client(api.app, owner.token).post(
      '/v1/monitors',
      httpMonitor({ tags: ['ok', 'x\udfff'] }),
    );
    expect(expectProblem(res, 400).errors.map((e) => e.path)).toEqual(['tags.1']);
  });

  it('refuses a NUL character in a query parameter and at signup', async () => {
    expect(expectProblem(await client(api.app, owner.token).get('/v1/monitors?q=a%00b'), 400).errors).toEqual(
      [{ path: 'q', message: 'contains the NUL character (U+0000)' }],
    );
    const signup = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/signup',
      payload: { email: 'nul@example.com', password: 'correct horse battery', organizationName: '\u0000' },
    });
    expect(expectProblem(signup, 400).errors.map((e) => e.path)).toEqual(['organizationName']);
  });

  it('still accepts the rest of Unicode', async () => {
    const name = 'Caf\u00e9 \u{1F600} \u202e\ufeff \u0001';
    const res = await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ name }));
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe(name);
  });
});

describe('what the router refuses', () => {
  it('answers a path that is not valid percent-encoding with a 400 problem', async () => {
    for (const id of ['%', '%C0%AF', '%ED%A0%80']) {
      const res = await client(api.app, owner.token).get(`/v1/monitors/${id}`);
      expect(expectProblem(res, 400).detail, id).toBe('the URL path is not valid percent-encoded UTF-8');
    }
  });

  it('answers a path parameter longer than any id as not found, without echoing it', async () => {
    const res = await client(api.app, owner.token).get(`/v1/monitors/${'a'.repeat(5_000)}`);
    const body = expectProblem(res, 404);
    expect(body.type).toBe('urn:sentinelmesh:problem:not_found');
    expect(res.body.length).toBeLessThan(500);
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});
