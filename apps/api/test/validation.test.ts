import { createDb } from '@sentinelmesh/db';
import { createTestDatabase, type TestDatabase, testRedisUrl } from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import {
  client,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  testEnv,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let monitorId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app);
  monitorId = (await client(api.app, owner.token).post('/v1/monitors', httpMonitor())).json().id;
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

interface Case {
  name: string;
  method?: InjectOptions['method'];
  url?: string;
  payload?: unknown;
  raw?: string;
  contentType?: string;
  status: number;
  type?: string;
  paths?: string[];
}

const monitor = (extra: Record<string, unknown>) => httpMonitor(extra);
const { url: _url, ...withoutUrl } = httpMonitor();
const { type: _type, ...withoutType } = httpMonitor();

const cases: Case[] = [
  {
    name: 'a string where a number belongs',
    payload: monitor({ intervalSeconds: 'sixty' }),
    status: 400,
    paths: ['intervalSeconds'],
  },
  {
    name: 'a fraction where an integer belongs',
    payload: monitor({ timeoutMs: 1500.5 }),
    status: 400,
    paths: ['timeoutMs'],
  },
  {
    name: 'an interval above one day',
    payload: monitor({ intervalSeconds: 86_401 }),
    status: 400,
    paths: ['intervalSeconds'],
  },
  { name: 'a missing url', payload: withoutUrl, status: 400, paths: ['url'] },
  { name: 'a missing type', payload: withoutType, status: 400, paths: ['type'] },
  { name: 'an unknown type', payload: monitor({ type: 'icmp' }), status: 400, paths: ['type'] },
  {
    name: 'a non-http url',
    payload: monitor({ url: 'ftp://files.example.com' }),
    status: 400,
    paths: ['url'],
  },
  { name: 'an unknown top-level field', payload: monitor({ colour: 'red' }), status: 400, paths: ['colour'] },
  {
    name: 'an unknown field inside an assertion',
    payload: monitor({ assertions: [{ source: 'status', op: 'eq', value: 200, extra: 1 }] }),
    status: 400,
    paths: ['assertions.0.extra'],
  },
  {
    name: 'an assertion value of the wrong kind',
    payload: monitor({
      assertions: [
        { source: 'status', op: 'eq', value: 200 },
        { source: 'status', op: 'lt', value: 'x' },
      ],
    }),
    status: 400,
    paths: ['assertions.1.value'],
  },
  {
    name: 'a pattern with a lookahead, which RE2 does not run',
    payload: monitor({ assertions: [{ source: 'body', op: 'matches', value: 'ok(?=\\s)' }] }),
    status: 400,
    paths: ['assertions.0.value'],
  },
  {
    name: 'a pattern longer than 512 characters',
    payload: monitor({ assertions: [{ source: 'body', op: 'matches', value: 'a'.repeat(513) }] }),
    status: 400,
    paths: ['assertions.0.value'],
  },
  {
    name: 'a header value with a line break',
    payload: monitor({ headers: { 'x-a': 'b\r\nc' } }),
    status: 400,
    paths: ['headers.x-a'],
  },
  {
    name: 'timeoutMs not below the interval',
    payload: monitor({ intervalSeconds: 5, timeoutMs: 5000 }),
    status: 400,
    paths: ['timeoutMs'],
  },
  { name: 'a JSON array body', payload: [], status: 400, paths: [''] },
  { name: 'malformed JSON', raw: '{"name": "x",', status: 400 },
  { name: 'an empty JSON body', raw: '', status: 400 },
  {
    name: 'a body over 256 KiB',
    payload: monitor({ name: 'x', body: 'a'.repeat(300 * 1024) }),
    status: 413,
    type: 'too_large',
  },
  { name: 'a text/plain body', raw: 'name=x', contentType: 'text/plain', status: 415 },
  { name: 'a form body', raw: 'name=x', contentType: 'application/x-www-form-urlencoded', status: 415 },
  {
    name: 'a PATCH with a wrong type',
    method: 'PATCH',
    url: 'monitor',
    payload: { paused: 'yes' },
    status: 400,
    paths: ['paused'],
  },
  {
    name: 'a PATCH with an unknown field',
    method: 'PATCH',
    url: 'monitor',
    payload: { nme: 'x' },
    status: 400,
    paths: ['nme'],
  },
  {
    name: 'signup without fields',
    url: '/v1/auth/signup',
    payload: {},
    status: 400,
    paths: ['email', 'password', 'organizationName'],
  },
  {
    name: 'signup with a malformed email',
    url: '/v1/auth/signup',
    payload: { email: 'nope', password: 'long enough password', organizationName: 'x' },
    status: 400,
    paths: ['email'],
  },
  {
    name: 'a channel of a type not supported yet',
    url: '/v1/channels',
    payload: { type: 'carrier-pigeon', name: 's', config: { url: 'https://hooks.slack.com/x' } },
    status: 400,
    paths: ['type'],
  },
  {
    name: 'a webhook channel without a url',
    url: '/v1/channels',
    payload: { type: 'webhook', name: 's', config: {} },
    status: 400,
    paths: ['config.url'],
  },
  {
    name: 'a malformed monitorId filter',
    method: 'GET',
    url: '/v1/incidents?monitorId=abc',
    status: 400,
    paths: ['monitorId'],
  },
  {
    name: 'a malformed from time',
    method: 'GET',
    url: 'monitor/results?from=yesterday',
    status: 400,
    paths: ['from'],
  },
  { name: 'an unknown route', method: 'GET', url: '/v1/nothing-here', status: 404, type: 'not_found' },
];

describe('bad input', () => {
  it.each(cases)('answers $status problem+json for $name', async (c) => {
    const url = (c.url ?? '/v1/monitors').replace(/^monitor/, `/v1/monitors/${monitorId}`);
    const headers: Record<string, string> = { authorization: `Bearer ${owner.token}` };
    if (c.raw !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
    const res = await api.app.inject({
      method: c.method ?? 'POST',
      url,
      headers,
      ...(c.raw !== undefined
        ? { payload: c.raw }
        : c.payload !== undefined
          ? { payload: c.payload as object }
          : {}),
    });
    const problem = expectProblem(res, c.status);
    expect(problem).toEqual({
      type: `urn:sentinelmesh:problem:${c.type ?? 'validation'}`,
      title: expect.any(String),
      status: c.status,
      detail: expect.any(String),
      errors: expect.any(Array),
    });
    if (c.paths) expect(problem.errors.map((e) => e.path)).toEqual(c.paths);
    for (const error of problem.errors) expect(error.message.length).toBeGreaterThan(0);
    expect(res.body).not.toMatch(/\bat .+\.ts:\d+|node_modules|SELECT|INSERT/);
  });

  it('names the unsupported channel type clearly', async () => {
    const res = await client(api.app, owner.token).post('/v1/channels', {
      type: 'carrier-pigeon',
      name: 'e',
      config: {},
    });
    expect(expectProblem(res, 400).errors[0]?.message).toMatch(/supported channel types: webhook, /);
  });
});

describe('internal errors', () => {
  it('answers a generic 500 problem without SQL or stack when the database fails', async () => {
    const missing = new URL(testDb.url);
    missing.pathname = '/no_such_database';
    const broken = await buildApp({
      config: testEnv(testDb, 'broken'),
      db: createDb({ connectionString: missing.toString(), max: 1 }),
      redis: createRedis(testRedisUrl()),
      logger: createLogger('api-test', 'silent'),
    });
    try {
      const res = await client(broken, owner.token).get('/v1/monitors');
      const problem = expectProblem(res, 500);
      expect(problem).toEqual({
        type: 'urn:sentinelmesh:problem:internal',
        title: 'Internal server error',
        status: 500,
        detail: 'something went wrong on our side; the error has been logged',
        errors: [],
      });
      expect(res.body).not.toMatch(/no_such_database|SELECT|memberships/);
    } finally {
      await broken.close();
    }
  });
});
