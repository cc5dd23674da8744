import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

// Ping, UDP, WebSocket and gRPC monitors through the API: defaults, validation, masks, PATCH, private targets.

let t: TestDatabase;
let api: TestApi;
let strict: TestApi;
let session: Session;
let strictSession: Session;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await startApi(t, { env: { ALLOW_PRIVATE_TARGETS: 'true' } });
  strict = await startApi(t, { env: { ALLOW_PRIVATE_TARGETS: 'false' } });
  session = await signupUser(api.app);
  strictSession = await signupUser(strict.app);
});

afterAll(async () => {
  await api?.app.close();
  await strict?.app.close();
  await t?.drop();
});

const create = (body: Record<string, unknown>) =>
  client(api.app, session.token).post('/v1/monitors', { name: 'net', ...body });

describe('network check types in the API', () => {
  it('creates a ping monitor with its defaults and reads it back', async () => {
    const res = await create({
      type: 'ping',
      host: '127.0.0.1',
      assertions: [{ source: 'packetLossPercent', op: 'lte', value: 20 }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const read = await client(api.app, session.token).get(`/v1/monitors/${res.json().id}`);
    expect(read.json()).toMatchObject({
      type: 'ping',
      host: '127.0.0.1',
      count: 3,
      intervalMs: 500,
      assertions: [{ source: 'packetLossPercent', op: 'lte', value: 20 }],
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ type: 'ping', host: 'example.com', count: 11 }, 'count'],
    [{ type: 'ping', host: 'example.com', intervalMs: 50 }, 'intervalMs'],
    [
      { type: 'ping', host: 'example.com', assertions: [{ source: 'status', op: 'eq', value: 200 }] },
      'assertions.0.source',
    ],
    [{ type: 'udp', host: 'example.com', port: 53 }, 'payload'],
    [
      { type: 'udp', host: 'example.com', port: 53, payload: 'x', payloadEncoding: 'base64' },
      'payloadEncoding',
    ],
    [{ type: 'websocket', url: 'https://example.com/socket' }, 'url'],
    [{ type: 'websocket', url: 'wss://example.com/', subprotocol: 'a b' }, 'subprotocol'],
    [{ type: 'grpc', host: 'example.com' }, 'port'],
    [{ type: 'grpc', host: 'example.com', port: 443, transport: 'h2c' }, 'transport'],
  ])('refuses %j naming %s', async (body, path) => {
    const problem = expectProblem(await create(body), 400);
    expect(problem.errors.map((e) => e.path)).toContain(path);
  });

  it('creates a UDP monitor and patches its payload', async () => {
    const res = await create({
      type: 'udp',
      host: '127.0.0.1',
      port: 5353,
      payload: 'abcd',
      payloadEncoding: 'hex',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      type: 'udp',
      port: 5353,
      payload: 'abcd',
      payloadEncoding: 'hex',
      awaitReply: true,
    });
    const patched = await client(api.app, session.token).patch(`/v1/monitors/${res.json().id}`, {
      expect: 'ok',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ payload: 'abcd', expect: 'ok' });
  });

  it('keeps a WebSocket monitor’s header values and URL credentials write-only', async () => {
    const res = await create({
      type: 'websocket',
      url: 'wss://user:hunter2@example.com/socket?token=s3cret',
      headers: { authorization: 'Bearer abc' },
      subprotocol: 'chat',
      message: 'ping',
    });
    expect(res.statusCode, res.body).toBe(201);
    const read = await client(api.app, session.token).get(`/v1/monitors/${res.json().id}`);
    expect(read.body).not.toContain('hunter2');
    expect(read.body).not.toContain('Bearer abc');
    expect(read.json()).toMatchObject({ type: 'websocket', subprotocol: 'chat', message: 'ping' });
  });

  it('patches a WebSocket monitor’s URL to another ws:// URL', async () => {
    const res = await create({ type: 'websocket', url: 'ws://127.0.0.1:8080/a' });
    expect(res.statusCode, res.body).toBe(201);
    const patched = await client(api.app, session.token).patch(`/v1/monitors/${res.json().id}`, {
      url: 'wss://example.com/b',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ url: 'wss://example.com/b' });
    const wrong = await client(api.app, session.token).patch(`/v1/monitors/${res.json().id}`, {
      url: 'https://example.com/b',
    });
    expect(expectProblem(wrong, 400).errors.map((e) => e.path)).toContain('url');
  });

  it('creates a gRPC monitor with its defaults', async () => {
    const res = await create({ type: 'grpc', host: '127.0.0.1', port: 50051 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ type: 'grpc', service: '', transport: 'plaintext' });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ type: 'ping', host: '127.0.0.1' }, 'host'],
    [{ type: 'udp', host: '10.0.0.1', port: 53, payload: 'x' }, 'host'],
    [{ type: 'websocket', url: 'ws://localhost:8080/' }, 'url'],
    [{ type: 'grpc', host: '169.254.169.254', port: 50051 }, 'host'],
  ])('refuses the private target %j naming %s when private targets are not allowed', async (body, path) => {
    const res = await client(strict.app, strictSession.token).post('/v1/monitors', { name: 'x', ...body });
    expect(expectProblem(res, 400).errors).toContainEqual({
      path,
      message: expect.stringContaining('public'),
    });
  });
});
