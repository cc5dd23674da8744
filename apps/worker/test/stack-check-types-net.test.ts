import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCall, signUpOwner, startTestStack, type TestStack } from '../../../test/support/stack';
import { waitFor } from './helpers';
import { type LocalServer, startGrpcHealth, startUdpEcho, startWsServer, type WsServer } from './net-servers';

// The local launcher with REGIONS=eu,us (one worker per region), and one ping, UDP, WebSocket and
// gRPC monitor each: scheduled, checked in both regions, judged by quorum into the monitor's state.

let db: TestDatabase;
let stack: TestStack;
let api: string;
let call: ApiCall;
let udp: LocalServer;
let ws: WsServer;
let grpc: LocalServer;

beforeAll(async () => {
  db = await createTestDatabase();
  stack = await startTestStack({
    databaseUrl: db.url,
    apps: 'api,scheduler,worker,verifier',
    regions: 'eu,us',
  });
  api = stack.api;
  call = await signUpOwner(api, 'net@example.com', 'N');
  udp = await startUdpEcho();
  ws = await startWsServer();
  grpc = await startGrpcHealth();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await udp?.close();
  await ws?.close();
  await grpc?.close();
  await db?.drop();
}, 60_000);

describe('network check types through the local stack', () => {
  it('ping, udp, websocket and grpc monitors reach their state from results of both regions', async () => {
    const common = { intervalSeconds: 2, retryIntervalSeconds: 1, timeoutMs: 1500 };
    const create = (body: Record<string, unknown>) => call('POST', '/v1/monitors', { ...common, ...body });
    const monitors = {
      ping: await create({ name: 'ping', type: 'ping', host: '127.0.0.1', count: 2, intervalMs: 200 }),
      udp: await create({
        name: 'udp',
        type: 'udp',
        host: '127.0.0.1',
        port: udp.port,
        payload: 'x',
        expect: 'echo:x',
      }),
      websocket: await create({
        name: 'ws',
        type: 'websocket',
        url: ws.url('/echo'),
        message: 'hi',
        expect: 'hi',
      }),
      grpc: await create({ name: 'grpc', type: 'grpc', host: '127.0.0.1', port: grpc.port, service: 'down' }),
    };
    expect(monitors.ping.regions).toEqual(['eu', 'us']);

    // The gRPC service answers NOT_SERVING: that monitor goes down, the others up.
    const expected: Record<string, string> = { ping: 'up', udp: 'up', websocket: 'up', grpc: 'down' };
    for (const [type, monitor] of Object.entries(monitors)) {
      await waitFor(
        `the ${type} monitor to be ${expected[type]}`,
        async () => (await call('GET', `/v1/monitors/${monitor.id}`)).state.status === expected[type],
        30_000,
      );
      const results = await call('GET', `/v1/monitors/${monitor.id}/results`);
      const regions = [...new Set(results.items.map((item: { region: string }) => item.region))].sort();
      expect(regions).toEqual(['eu', 'us']);
    }
    const pings = await call('GET', `/v1/monitors/${monitors.ping.id}/results`);
    expect(pings.items[0].details).toContainEqual({ label: 'Packets sent', value: 2, unit: 'count' });
    const grpcState = await call('GET', `/v1/monitors/${monitors.grpc.id}`);
    expect(grpcState.state.lastError).toEqual({
      kind: 'assertion',
      message: 'servingStatus eq "SERVING", got "NOT_SERVING"',
    });
  }, 60_000);
});
