import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCall, signUpOwner, startTestStack, type TestStack } from '../../../test/support/stack';
import { type DnsServer, startDnsServer } from './dns-server';
import { waitFor } from './helpers';

// The local launcher with REGIONS=eu,us (one worker per region), and one monitor of each new type.

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

let db: TestDatabase;
let stack: TestStack;
let api: string;
let call: ApiCall;
let http: Server;
let https: Server;
let dns: DnsServer;

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  db = await createTestDatabase();
  stack = await startTestStack({
    databaseUrl: db.url,
    apps: 'api,scheduler,worker,verifier',
    regions: 'eu,us',
  });
  api = stack.api;
  call = await signUpOwner(api, 'checks@example.com', 'C');
  http = createHttpServer((_req, res) => res.end('ok'));
  https = createHttpsServer(
    { key: fixture('self-signed.key'), cert: fixture('self-signed.crt') },
    (_req, res) => res.end('ok'),
  );
  dns = await startDnsServer({ 'app.test': { A: ['192.0.2.10'] } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  http?.close();
  https?.close();
  await dns?.close();
  await db?.drop();
}, 60_000);

describe('new check types through the local stack', () => {
  it('tcp, dns, tls and heartbeat monitors reach their state from results of both regions', async () => {
    const [httpPort, httpsPort] = [await listen(http), await listen(https)];
    const common = { intervalSeconds: 2, retryIntervalSeconds: 1 };
    const monitors = {
      tcp: await call('POST', '/v1/monitors', {
        ...common,
        name: 'tcp',
        type: 'tcp',
        host: '127.0.0.1',
        port: httpPort,
      }),
      dns: await call('POST', '/v1/monitors', {
        ...common,
        name: 'dns',
        type: 'dns',
        host: 'app.test',
        resolver: dns.address,
        expectedValues: ['192.0.2.10'],
      }),
      tls: await call('POST', '/v1/monitors', {
        ...common,
        name: 'tls',
        type: 'tls',
        host: '127.0.0.1',
        port: httpsPort,
        servername: 'localhost',
      }),
      heartbeat: await call('POST', '/v1/monitors', {
        ...common,
        name: 'hb',
        type: 'heartbeat',
        periodSeconds: 30,
      }),
    };
    expect(monitors.tcp.regions).toEqual(['eu', 'us']);
    expect((await fetch(`${api}/v1/heartbeats/${monitors.heartbeat.heartbeatToken}`)).status).toBe(200);

    // The self-signed certificate is not trusted: the TLS monitor goes down, the others up.
    const expected: Record<string, string> = { tcp: 'up', dns: 'up', tls: 'down', heartbeat: 'up' };
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
    const tls = await call('GET', `/v1/monitors/${monitors.tls.id}`);
    expect(tls.state.lastError).toEqual({
      kind: 'tls',
      message: 'certificate not trusted: DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  }, 60_000);
});
