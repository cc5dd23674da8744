import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testRedisUrl, uniqueQueuePrefix } from '@sentinelmesh/db/testing';
import { createLogger, createRedis, type RedisClient, SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, type Notifier } from '../../verifier/src/notify/notifier';
import { client, createTestDatabase, signupUser, startApi, type TestApi } from './helpers';

let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let api: TestApi;
let redis: RedisClient;
let notifier: Notifier;
let receiver: Server;
let receiverUrl: string;
let as: ReturnType<typeof client>;
const received: string[] = [];

/** A local receiver answering each path's status: `/ok` 200, `/broken` 503. */
async function startReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.url ?? '');
      res.writeHead(req.url === '/broken' ? 503 : 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  const prefix = uniqueQueuePrefix();
  api = await startApi(testDb, {
    prefix,
    env: { ALLOW_PRIVATE_TARGETS: 'true', TEST_ALERT_WAIT_MS: '15000' },
  });
  redis = createRedis(testRedisUrl());
  notifier = createNotifier({
    db: testDb.db,
    connection: redis,
    prefix,
    logger: createLogger('notifier-test', 'silent'),
    secretBox: new SecretBox(api.config.SECRETS_KEY),
    allowPrivateTargets: true,
  });
  notifier.start();
  receiver = await startReceiver();
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  as = client(api.app, (await signupUser(api.app, 'Outcome Org')).token);
});

afterAll(async () => {
  await notifier?.close();
  await api?.app.close();
  redis?.disconnect();
  await new Promise((resolve) => receiver?.close(resolve));
  await testDb?.drop();
});

async function testChannel(url: string) {
  const channel = (await as.post('/v1/channels', { type: 'webhook', name: 'hook', config: { url } })).json();
  const res = await as.post(`/v1/channels/${channel.id}/test`);
  expect(res.statusCode).toBe(202);
  return res.json();
}

describe('POST /v1/channels/:id/test reports the real delivery outcome', () => {
  it("reports a delivery with the receiver's status and the time it took", async () => {
    const alert = await testChannel(`${receiverUrl}/ok`);
    expect(received).toContain('/ok');
    expect(alert).toMatchObject({
      event: 'test',
      status: 'sent',
      attempts: 1,
      lastError: null,
      sentAt: expect.any(String),
      outcome: {
        delivered: true,
        statusCode: 200,
        error: null,
        durationMs: expect.any(Number),
        attemptedAt: expect.any(String),
      },
    });
    expect(alert.outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(alert.outcome.durationMs).toBeLessThan(10_000);
  });

  it('reports a refused connection as the failure it is', async () => {
    const alert = await testChannel(`http://127.0.0.1:${await closedPort()}/hook`);
    expect(alert.outcome).toMatchObject({ delivered: false, statusCode: null, error: 'connection refused' });
    expect(alert.attempts).toBe(1);
    expect(alert.lastError).toBe('connection refused');
  });

  it("reports a receiver's error status as a failure", async () => {
    const alert = await testChannel(`${receiverUrl}/broken`);
    expect(alert.outcome).toMatchObject({ delivered: false, statusCode: 503, error: 'HTTP 503' });
  });

  it('matches the first attempt the delivery log shows', async () => {
    const alert = await testChannel(`${receiverUrl}/ok`);
    const logged = (await as.get('/v1/alerts')).json().items.find((a: { id: string }) => a.id === alert.id);
    const [first] = logged.attemptLog;
    expect(first).toEqual({
      attemptedAt: alert.outcome.attemptedAt,
      ok: true,
      statusCode: 200,
      error: null,
      durationMs: alert.outcome.durationMs,
    });
    expect(logged).toMatchObject({ monitorId: null, monitorName: null, event: 'test' });
  });
});
