import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CheckSpecOf } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { userAgentFor } from '../src/version';
import { closedPort, context, httpSpec, startTarget, type Target, tcpSpec } from './helpers';

let target: Target;
let refused: number;
beforeAll(async () => {
  target = await startTarget();
  refused = await closedPort();
});
afterAll(async () => target?.close());

describe('http check', () => {
  it.each([
    { name: 'a 200 answer is ok', path: '/ok', overrides: {}, ok: true, kind: null, status: 200 },
    {
      name: 'a 500 answer fails the status assertion',
      path: '/fail',
      overrides: {},
      ok: false,
      kind: 'http_status',
      status: 500,
    },
    {
      name: 'a body that lacks the expected text fails as an assertion',
      path: '/ok',
      overrides: { assertions: [{ source: 'body', op: 'contains', value: 'healthy' }] },
      ok: false,
      kind: 'assertion',
      status: 200,
    },
    {
      name: 'a JSON field with the wrong value fails as an assertion',
      path: '/json',
      overrides: { assertions: [{ source: 'json', path: '$.db.status', op: 'eq', value: 'up' }] },
      ok: false,
      kind: 'assertion',
      status: 200,
    },
    {
      name: 'redirects are followed to the final answer',
      path: '/redirect/3',
      overrides: {},
      ok: true,
      kind: null,
      status: 200,
    },
    {
      name: 'a redirect is judged as it is when following is off',
      path: '/redirect/3',
      overrides: { followRedirects: false },
      ok: true,
      kind: null,
      status: 302,
    },
    {
      name: 'a redirect loop stops after five hops',
      path: '/loop',
      overrides: {},
      ok: false,
      kind: 'http_status',
      status: 302,
    },
    {
      name: 'a body is read up to 1 MiB: text beyond it is not seen',
      path: '/big',
      overrides: { assertions: [{ source: 'body', op: 'contains', value: 'end-marker' }] },
      ok: false,
      kind: 'assertion',
      status: 200,
    },
    {
      name: 'a huge body still gives an answer from its first MiB',
      path: '/big',
      overrides: { assertions: [{ source: 'body', op: 'contains', value: 'start-marker' }] },
      ok: true,
      kind: null,
      status: 200,
    },
  ])('$name', async ({ path, overrides, ok, kind, status }) => {
    const outcome = await runCheck(
      httpSpec(target.url(path), overrides as Partial<CheckSpecOf<'http'>>),
      context,
    );
    expect(outcome.ok).toBe(ok);
    expect(outcome.error?.kind ?? null).toBe(kind);
    expect(outcome.statusCode).toBe(status);
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    if (kind) expect(outcome.error?.message.length).toBeGreaterThan(0);
  });

  it('names the failed status in its message', async () => {
    const outcome = await runCheck(httpSpec(target.url('/fail')), context);
    expect(outcome.error?.message).toContain('500');
    expect(outcome.failedAssertions).toEqual([
      { source: 'status', op: 'between', expected: [200, 399], actual: 500 },
    ]);
  });

  it('records the connection phases and time to first byte of what it measured', async () => {
    const outcome = await runCheck(httpSpec(target.url('/ok')), context);
    expect(outcome.phases.dnsMs).toBe(0);
    expect(outcome.phases.connectMs).toBeGreaterThanOrEqual(0);
    expect(outcome.phases.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(outcome.phases.transferMs).toBeGreaterThanOrEqual(0);
    expect(outcome.phases.tlsMs).toBeNull();
  });

  it('fails with connect when nothing listens on the port', async () => {
    const outcome = await runCheck(httpSpec(`http://127.0.0.1:${refused}/`), context);
    expect(outcome).toMatchObject({ ok: false, statusCode: null, error: { kind: 'connect' } });
  });

  it('fails with timeout when no answer comes within the monitor timeout', async () => {
    const started = Date.now();
    const outcome = await runCheck(httpSpec(target.url('/slow'), { timeoutMs: 300 }), context);
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'timeout', message: expect.stringContaining('300 ms') },
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails with dns when the host name does not resolve', async () => {
    const outcome = await runCheck(httpSpec('http://no-such-host.invalid/'), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'dns' } });
  });

  it('fails with tls when the server does not speak TLS', async () => {
    const outcome = await runCheck(httpSpec(`https://127.0.0.1:${target.port}/ok`), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
  });

  it('fails with tls when the certificate is not trusted', async () => {
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const server = createHttpsServer(
      { key: fixture('self-signed.key'), cert: fixture('self-signed.crt') },
      (_req, res) => res.end('ok'),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const outcome = await runCheck(httpSpec(`https://localhost:${port}/`), context);
      expect(outcome).toMatchObject({ ok: false, statusCode: null, error: { kind: 'tls' } });
      expect(outcome.error?.message).toMatch(/self[- ]signed/i);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('sends the SentinelMesh User-Agent with its region unless the monitor sets one', async () => {
    await runCheck(httpSpec(target.url('/ok')), { ...context, userAgent: userAgentFor('eu-west') });
    expect(target.headers.get('/ok')?.['user-agent']).toMatch(
      /^SentinelMesh\/\d+\.\d+\.\d+ \(\+region=eu-west\)$/,
    );
    await runCheck(httpSpec(target.url('/ok'), { headers: { 'User-Agent': 'custom/1' } }), context);
    expect(target.headers.get('/ok')?.['user-agent']).toBe('custom/1');
  });

  it('sends the user info of the URL as Basic credentials, unless the monitor sets its own Authorization', async () => {
    const withUserinfo = target.url('/ok').replace('http://', 'http://deploy:p%40ss@');
    expect((await runCheck(httpSpec(withUserinfo), context)).ok).toBe(true);
    expect(target.headers.get('/ok')?.authorization).toBe(
      `Basic ${Buffer.from('deploy:p@ss').toString('base64')}`,
    );
    await runCheck(httpSpec(withUserinfo, { headers: { Authorization: 'Bearer own' } }), context);
    expect(target.headers.get('/ok')?.authorization).toBe('Bearer own');
  });

  it('sends the monitor method, headers and body', async () => {
    const outcome = await runCheck(
      httpSpec(target.url('/ok'), { method: 'POST', headers: { 'x-probe': 'yes' }, body: '{"a":1}' }),
      context,
    );
    expect(outcome.ok).toBe(true);
    expect(target.headers.get('/ok')).toMatchObject({ 'x-probe': 'yes', 'content-length': '7' });
  });
});

describe('tcp check', () => {
  // With the status assertion an HTTP monitor gets, which a TCP check has nothing to judge with.
  const tcp = (port: number, overrides: Partial<CheckSpecOf<'tcp'>> = {}) =>
    tcpSpec('127.0.0.1', port, { assertions: httpSpec('').assertions, ...overrides });

  it('is ok when the port accepts a connection, whatever status assertions say', async () => {
    const outcome = await runCheck(tcp(target.port), context);
    expect(outcome).toMatchObject({ ok: true, statusCode: null, error: null });
    expect(outcome.phases.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('fails with connect when the port refuses', async () => {
    const outcome = await runCheck(tcp(refused), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'connect' } });
  });

  it('fails a response-time assertion that the connection does not meet', async () => {
    const outcome = await runCheck(
      tcp(target.port, { assertions: [{ source: 'responseTimeMs', op: 'lt', value: 0 }] }),
      context,
    );
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'assertion' } });
  });
});
