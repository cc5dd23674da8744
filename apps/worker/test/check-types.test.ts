import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { CheckSpecOf, DnsRecordType, HeartbeatPing } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HeartbeatReader, runCheck } from '../src/checks/index';
import { type DnsServer, startDnsServer } from './dns-server';
import { closedPort, context, dnsSpec, heartbeatSpec, tcpSpec, tlsSpec } from './helpers';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

let dns: DnsServer;
let echo: TcpServer;
let echoPort: number;
let tls: TlsServer;
let tlsPort: number;

beforeAll(async () => {
  dns = await startDnsServer(
    {
      'app.test': { A: ['192.0.2.10', '192.0.2.11'], AAAA: ['2001:db8::1'], TXT: ['v=spf1 -all'] },
      'mail.test': { MX: ['10 mx1.mail.test', '20 mx2.mail.test'] },
      'www.test': { CNAME: ['app.test'] },
      'empty.test': {},
      'public.test': { A: ['93.184.216.34'] },
      'private.test': { A: ['93.184.216.34', '10.0.0.5'] },
      'loopback6.test': { AAAA: ['::1'] },
      'alias.test': { CNAME: ['db.internal'] },
      'mx-internal.test': { MX: ['10 mail.corp'] },
    },
    ['slow.test'],
  );
  // Answers "+OK ready" to whoever connects, and echoes what it is sent.
  echo = createTcpServer((socket) => {
    socket.on('error', () => {});
    socket.write('+OK ready\r\n');
    socket.on('data', (data) => socket.write(data));
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  echoPort = (echo.address() as AddressInfo).port;
  tls = createTlsServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, (socket) => {
    socket.on('error', () => {});
    socket.end();
  });
  tls.listen(0, '127.0.0.1');
  await once(tls, 'listening');
  tlsPort = (tls.address() as AddressInfo).port;
});

afterAll(async () => {
  await dns?.close();
  echo?.close();
  tls?.close();
});

describe('dns check', () => {
  type Overrides = Partial<CheckSpecOf<'dns'>>;
  const spec = (overrides: Overrides) => dnsSpec('app.test', { resolver: dns.address, ...overrides });

  it.each<[string, Overrides]>([
    ['an A record with every expected address', { expectedValues: ['192.0.2.11', '192.0.2.10'] }],
    ['any answer when nothing is expected', {}],
    ['an AAAA record', { recordType: 'AAAA', expectedValues: ['2001:db8::1'] }],
    ['a TXT record', { recordType: 'TXT', expectedValues: ['v=spf1 -all'] }],
    [
      'MX records, priority first',
      { host: 'mail.test', recordType: 'MX', expectedValues: ['10 mx1.mail.test'] },
    ],
    [
      'a CNAME, names compared without case or final dot',
      { host: 'www.test', recordType: 'CNAME', expectedValues: ['APP.test.'] },
    ],
    [
      'a body assertion on the answers',
      { assertions: [{ source: 'body', op: 'contains', value: '192.0.2.10' }] },
    ],
  ])('is ok for %s', async (_name, overrides) => {
    const outcome = await runCheck(spec(overrides), context);
    expect(outcome).toMatchObject({ ok: true, error: null, failedAssertions: [] });
    expect(outcome.phases.dnsMs).toBeGreaterThanOrEqual(0);
  });

  it('fails as an assertion naming the expected value the answer lacks', async () => {
    const outcome = await runCheck(spec({ expectedValues: ['192.0.2.10', '192.0.2.99'] }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'assertion' } });
    expect(outcome.error?.message).toContain('192.0.2.99');
    expect(outcome.failedAssertions).toEqual([
      {
        source: 'records',
        path: 'A app.test',
        op: 'contains',
        expected: '192.0.2.99',
        actual: ['192.0.2.10', '192.0.2.11'],
      },
    ]);
  });

  it.each<[string, Overrides, string, RegExp]>([
    ['a name that does not exist', { host: 'nope.test' }, 'dns', /does not exist/],
    ['a name without records of the type', { host: 'empty.test' }, 'dns', /no A records/],
    ['a resolver that never answers', { host: 'slow.test', timeoutMs: 300 }, 'timeout', /300 ms/],
  ])('fails for %s', async (_name, overrides, kind, message) => {
    const outcome = await runCheck(spec(overrides), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind } });
    expect(outcome.error?.message).toMatch(message);
  });

  it('refuses a private resolver when private targets are not allowed', async () => {
    const outcome = await runCheck(spec({}), { ...context, allowPrivateTargets: false });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
  });
});

describe('dns check with private targets refused', () => {
  // The test server stands in for the deployment's own resolver, which the guard does not judge.
  const strict = () => ({ ...context, allowPrivateTargets: false, dnsServers: [dns.address] });
  const spec = (host: string, recordType: DnsRecordType = 'A') => dnsSpec(host, { recordType });

  it('reports public answers', async () => {
    const outcome = await runCheck(spec('public.test'), strict());
    expect(outcome).toMatchObject({ ok: true, error: null });
  });

  it.each<[string, string, DnsRecordType, string, RegExp]>([
    ['a private address among public ones', 'private.test', 'A', '10.0.0.5', /a private address/],
    ['a loopback IPv6 address', 'loopback6.test', 'AAAA', '::1', /a loopback address/],
    ['a CNAME to an internal name', 'alias.test', 'CNAME', 'db.internal', /an internal name/],
    ['an MX exchange with an internal name', 'mx-internal.test', 'MX', 'mail.corp', /an internal name/],
  ])(
    'fails as blocked_target on %s, without the answer in the result',
    async (_n, host, type, secret, why) => {
      const outcome = await runCheck(spec(host, type), strict());
      expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked_target' }, failedAssertions: [] });
      expect(outcome.error?.message).toMatch(why);
      expect(JSON.stringify(outcome)).not.toContain(secret);
    },
  );

  it('still reports those answers when private targets are allowed', async () => {
    const outcome = await runCheck(spec('private.test'), { ...context, dnsServers: [dns.address] });
    expect(outcome).toMatchObject({ ok: true });
  });

  it.each([
    ['a single-label name', 'redis'],
    ['a cluster service name', 'kubernetes.default.svc.cluster.local'],
    ['a .local name', 'printer.local'],
    ['an .internal name', 'metadata.google.internal'],
    ['a .localhost name', 'api.localhost'],
    ['the reverse name of a private address', '5.0.0.10.in-addr.arpa'],
    ['a private IP literal', '10.0.0.5'],
  ])('refuses %s without asking the resolver', async (_name, host) => {
    const before = dns.asked.length;
    const outcome = await runCheck(spec(host), strict());
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
    expect(outcome.error?.message).toMatch(/private targets are not allowed/);
    expect(dns.asked.length).toBe(before);
  });
});

describe('tcp check with send and expect', () => {
  const spec = (overrides: Partial<CheckSpecOf<'tcp'>>) => tcpSpec('127.0.0.1', echoPort, overrides);

  it('is ok when the greeting contains the expected bytes', async () => {
    const outcome = await runCheck(spec({ expect: '+OK' }), context);
    expect(outcome).toMatchObject({ ok: true, error: null });
    expect(outcome.phases.ttfbMs).toBeGreaterThanOrEqual(0);
  });

  it('sends its bytes and finds them echoed, in hex too', async () => {
    expect(await runCheck(spec({ send: 'PING\r\n', expect: 'PING' }), context)).toMatchObject({
      ok: true,
    });
    const hex = await runCheck(
      spec({ send: '50 49 4e 47', expect: '50494e47', payloadEncoding: 'hex' }),
      context,
    );
    expect(hex).toMatchObject({ ok: true });
  });

  it('fails as an assertion naming what came back when the expected bytes never come', async () => {
    const outcome = await runCheck(spec({ expect: 'HELLO', timeoutMs: 300 }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'assertion' } });
    expect(outcome.failedAssertions[0]).toMatchObject({
      source: 'body',
      op: 'contains',
      expected: 'HELLO',
      actual: expect.stringContaining('+OK ready'),
    });
  });

  it('fails with connect when the port refuses', async () => {
    const outcome = await runCheck(spec({ port: await closedPort(), expect: '+OK' }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'connect' } });
  });
});

describe('tls check', () => {
  const spec = (overrides: Partial<CheckSpecOf<'tls'>>) =>
    tlsSpec('127.0.0.1', tlsPort, { servername: 'localhost', ...overrides });

  it('reads the certificate and its expiry, and fails on an untrusted chain', async () => {
    const outcome = await runCheck(spec({}), context);
    expect(outcome.certExpiresAt).toBe('2126-10-30T04:01:34.000Z');
    expect(outcome.phases.tlsMs).toBeGreaterThanOrEqual(0);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
    expect(outcome.error?.message).toMatch(/not trusted: DEPTH_ZERO_SELF_SIGNED_CERT/);
    expect(outcome.failedAssertions).toEqual([
      {
        source: 'certificate',
        path: 'chain',
        op: 'eq',
        expected: 'trusted',
        actual: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      },
    ]);
  });

  it('names a host name the certificate does not cover', async () => {
    const outcome = await runCheck(spec({ servername: 'shop.example.com' }), context);
    expect(outcome.failedAssertions.map((f) => f.path)).toEqual(['chain', 'hostname']);
    expect(outcome.error?.message).toContain('and 1 more');
  });

  it('fails when fewer days are left than the monitor asks for', async () => {
    const outcome = await runCheck(spec({}), { ...context, now: () => new Date('2126-10-25T00:00:00Z') });
    expect(outcome.failedAssertions).toContainEqual({
      source: 'certExpiresInDays',
      op: 'gte',
      expected: 14,
      actual: 5,
    });
  });

  it('fails with tls when the server does not speak TLS', async () => {
    const outcome = await runCheck(spec({ port: echoPort, timeoutMs: 1000 }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
  });

  it('fails with connect when the port refuses', async () => {
    const outcome = await runCheck(spec({ port: await closedPort() }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'connect' } });
  });
});

describe('heartbeat check', () => {
  const created = new Date('2030-01-01T00:00:00Z');
  const at = (seconds: number) => new Date(created.getTime() + seconds * 1000);
  const reader = (lastPing: HeartbeatPing | null): HeartbeatReader => ({
    read: async () => ({ lastPing, watchingSince: created }),
  });
  const spec = heartbeatSpec({ periodSeconds: 60, graceSeconds: 30 });

  it.each<[string, HeartbeatPing | null, number, boolean, string | null]>([
    ['a recent ok ping is up', { at: at(100), status: 'ok', message: null }, 150, true, null],
    ['a ping within period plus grace is up', { at: at(100), status: 'ok', message: null }, 190, true, null],
    [
      'silence past period plus grace is down',
      { at: at(100), status: 'ok', message: null },
      191,
      false,
      'timeout',
    ],
    [
      'a reported failure is down',
      { at: at(100), status: 'fail', message: 'backup failed' },
      110,
      false,
      'assertion',
    ],
    ['a new monitor waits a period plus grace for its first ping', null, 90, true, null],
    ['a new monitor without any ping after that is down', null, 91, false, 'timeout'],
  ])('%s', async (_name, lastPing, nowSeconds, ok, kind) => {
    const outcome = await runCheck(spec, {
      ...context,
      now: () => at(nowSeconds),
      heartbeats: reader(lastPing),
    });
    expect(outcome.ok).toBe(ok);
    expect(outcome.error?.kind ?? null).toBe(kind);
  });

  it('carries the message of a reported failure', async () => {
    const outcome = await runCheck(spec, {
      ...context,
      now: () => at(110),
      heartbeats: reader({ at: at(100), status: 'fail', message: 'backup failed' }),
    });
    expect(outcome.error?.message).toBe('the job reported a failure: backup failed');
  });
});
