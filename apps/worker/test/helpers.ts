import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CheckSpecOf } from '@sentinelmesh/core';
import type { CheckContext } from '../src/checks/index';

/** Polls `probe` until it returns something truthy; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Target {
  url: (path: string) => string;
  port: number;
  /** Requests seen per path. */
  hits: Map<string, number>;
  /** The last request headers seen per path. */
  headers: Map<string, Record<string, string | string[] | undefined>>;
  close: () => Promise<void>;
}

const BIG = 5 * 1024 * 1024;

/** A real HTTP server on 127.0.0.1 with the behaviours the checks are tested against. */
export async function startTarget(): Promise<Target> {
  const hits = new Map<string, number>();
  const headers = new Map<string, Record<string, string | string[] | undefined>>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    headers.set(path, req.headers);
    const redirect = /^\/redirect\/(\d+)$/.exec(path);
    if (path === '/ok') res.writeHead(200, { 'content-type': 'text/plain' }).end('all good');
    else if (path === '/json')
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"db":{"status":"down"}}');
    else if (path === '/fail') res.writeHead(500).end('boom');
    else if (path === '/slow')
      return; // never answers
    else if (path === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (redirect) {
      const left = Number(redirect[1]);
      res.writeHead(left === 0 ? 200 : 302, left === 0 ? {} : { location: `/redirect/${left - 1}` });
      res.end(left === 0 ? 'arrived' : '');
    } else if (path === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('start-marker');
      res.write(Buffer.alloc(BIG, 'x'));
      res.end('end-marker');
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    headers,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const context: CheckContext = {
  region: 'local',
  userAgent: 'SentinelMesh/test (+region=local)',
  allowPrivateTargets: true,
  now: () => new Date(),
};

const specBase = {
  id: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-000000000002',
  name: 'target',
  timeoutMs: 2000,
  intervalSeconds: 10,
  assertions: [],
};

export function httpSpec(url: string, overrides: Partial<CheckSpecOf<'http'>> = {}): CheckSpecOf<'http'> {
  return {
    ...specBase,
    type: 'http',
    url,
    method: 'GET',
    headers: {},
    body: null,
    followRedirects: true,
    assertions: [{ source: 'status', op: 'between', value: [200, 399] }],
    ...overrides,
  };
}

export function tcpSpec(
  host: string,
  port: number,
  overrides: Partial<CheckSpecOf<'tcp'>> = {},
): CheckSpecOf<'tcp'> {
  return { ...specBase, type: 'tcp', host, port, ...overrides };
}

export function dnsSpec(host: string, overrides: Partial<CheckSpecOf<'dns'>> = {}): CheckSpecOf<'dns'> {
  return { ...specBase, type: 'dns', host, recordType: 'A', expectedValues: [], ...overrides };
}

export function tlsSpec(
  host: string,
  port: number,
  overrides: Partial<CheckSpecOf<'tls'>> = {},
): CheckSpecOf<'tls'> {
  return { ...specBase, type: 'tls', host, port, minDaysLeft: 14, ...overrides };
}

export function heartbeatSpec(overrides: Partial<CheckSpecOf<'heartbeat'>> = {}): CheckSpecOf<'heartbeat'> {
  return { ...specBase, type: 'heartbeat', periodSeconds: 60, graceSeconds: 60, ...overrides };
}
