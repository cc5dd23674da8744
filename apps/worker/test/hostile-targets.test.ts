import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { CheckSpecOf } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { context, httpSpec, tcpSpec, tlsSpec } from './helpers';

/** A raw TCP server on 127.0.0.1 that answers each path with the bytes (and behaviour) of a strange server. */
let server: Server;
let port: number;
let connections = 0;
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();

const behaviours: Record<string, (socket: Socket) => void> = {
  '/binary': (s) => {
    const body = Buffer.from([0, 255, 1, 254, 0x7b, 0x22, 0, 0xc3, 0x28]);
    s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`), body]));
  },
  '/not-json': (s) =>
    s.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\n{"a": tru'),
  '/huge-headers': (s) =>
    s.end(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(200 * 1024)}\r\ncontent-length: 0\r\n\r\n`),
  '/slow-body': (s) => {
    s.write('HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n');
    const timer = setInterval(() => s.write('x'), 50);
    timers.add(timer);
    s.on('close', () => clearInterval(timer));
  },
  '/reset-mid-body': (s) => {
    s.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nfirst bytes');
    setImmediate(() => s.resetAndDestroy());
  },
  '/garbage': (s) => s.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'),
  '/hop-2': (s) => s.end('HTTP/1.1 302 Found\r\nlocation: /hop-1\r\ncontent-length: 0\r\n\r\n'),
  '/hop-1': (s) => s.end('HTTP/1.1 302 Found\r\nlocation: /binary\r\ncontent-length: 0\r\n\r\n'),
};

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', (data) => {
      const path = /^[A-Z]+ (\S+)/.exec(data.toString())?.[1] ?? '/';
      (behaviours[path] ?? ((s: Socket) => s.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n')))(
        socket,
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  for (const t of timers) clearInterval(t);
  for (const s of sockets) s.destroy();
  server?.close();
});

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

describe('strange responses never crash a check', () => {
  it.each<[string, string, Partial<CheckSpecOf<'http'>>, boolean, string | null]>([
    ['a binary body is judged like any other', '/binary', {}, true, null],
    [
      'invalid JSON fails a JSON assertion',
      '/not-json',
      { assertions: [{ source: 'json', path: '$.a', op: 'exists' }] },
      false,
      'assertion',
    ],
    ['huge headers are an invalid HTTP response', '/huge-headers', {}, false, 'http_status'],
    ['a body that trickles in forever times out', '/slow-body', { timeoutMs: 400 }, false, 'timeout'],
    ['a reset in the middle of the body is a connection failure', '/reset-mid-body', {}, false, 'connect'],
    ['bytes that are not HTTP are an invalid HTTP response', '/garbage', {}, false, 'http_status'],
  ])('%s', async (_name, path, overrides, ok, kind) => {
    const started = Date.now();
    const outcome = await runCheck(httpSpec(url(path), overrides), context);
    expect(outcome.ok).toBe(ok);
    expect(outcome.error?.kind ?? null).toBe(kind);
    if (kind) expect(outcome.error?.message.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('with private targets refused, no check reaches a loopback server', () => {
  const refuse = { ...context, allowPrivateTargets: false };
  const spellings = [
    '127.0.0.1',
    '127.1',
    '2130706433',
    '0x7f000001',
    '0x7f.1',
    '0177.0.0.1',
    '017700000001',
    '127.000.000.001',
    '0.0.0.0',
    '0',
    '[::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[::127.0.0.1]',
    'localhost',
  ];

  it.each(spellings)('http://%s', async (host) => {
    const before = connections;
    const outcome = await runCheck(httpSpec(`http://${host}:${port}/binary`), refuse);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
    expect(connections).toBe(before);
  });

  it.each(spellings.map((h) => h.replace(/^\[|\]$/g, '')))('tcp and tls to %s', async (host) => {
    const before = connections;
    for (const spec of [tcpSpec(host, port), tlsSpec(host, port)]) {
      const outcome = await runCheck(spec, refuse);
      expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
    }
    expect(connections).toBe(before);
  });

  it('opens a new connection, through the guard, for every redirect hop', async () => {
    const before = connections;
    const outcome = await runCheck(httpSpec(url('/hop-2')), context);
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    expect(connections).toBe(before + 3);
  });

  it('reaches the same server when private targets are allowed', async () => {
    const before = connections;
    const outcome = await runCheck(httpSpec(`http://0x7f000001:${port}/binary`), context);
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    expect(connections).toBe(before + 1);
  });
});
