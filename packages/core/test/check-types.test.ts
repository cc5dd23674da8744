import { describe, expect, it } from 'vitest';
import { monitorTargetHosts } from '../src/check-types';
import { evaluateHeartbeat, type HeartbeatPing } from '../src/heartbeat';
import { createMonitorSchema, monitorConfigSchema, toCheckSpec } from '../src/schemas/monitor';

const parse = (input: Record<string, unknown>) => createMonitorSchema.safeParse({ name: 'x', ...input });
const issues = (input: Record<string, unknown>) =>
  parse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('monitor types', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'dns',
      { type: 'dns', host: 'example.com' },
      { recordType: 'A', expectedValues: [], assertions: [], timeoutMs: 10_000 },
    ],
    ['tls', { type: 'tls', host: 'example.com' }, { port: 443, minDaysLeft: 14, assertions: [] }],
    [
      'heartbeat',
      { type: 'heartbeat', periodSeconds: 300 },
      { graceSeconds: 60, intervalSeconds: 60, assertions: [] },
    ],
  ])('%s monitors get their documented defaults', (_type, input, expected) => {
    const parsed = parse(input);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an http assertion on a dns monitor',
      { type: 'dns', host: 'a.com', assertions: [{ source: 'status', op: 'eq', value: 200 }] },
      'assertions.0.source',
    ],
    [
      'any assertion on a heartbeat monitor',
      {
        type: 'heartbeat',
        periodSeconds: 60,
        assertions: [{ source: 'responseTimeMs', op: 'lt', value: 5 }],
      },
      'assertions.0.source',
    ],
    [
      'a token given by the client',
      { type: 'heartbeat', periodSeconds: 60, heartbeatToken: 'a'.repeat(43) },
      '',
    ],
    ['a heartbeat without a period', { type: 'heartbeat' }, 'periodSeconds'],
    ['a resolver that is a name', { type: 'dns', host: 'a.com', resolver: 'dns.google' }, 'resolver'],
    ['a dns host with a scheme', { type: 'dns', host: 'https://a.com' }, 'host'],
    ['an unknown record type', { type: 'dns', host: 'a.com', recordType: 'ANY' }, 'recordType'],
    ['a tls port out of range', { type: 'tls', host: 'a.com', port: 70_000 }, 'port'],
    ['a tcp send that is too long', { type: 'tcp', host: 'a.com', port: 1, send: 'x'.repeat(5000) }, 'send'],
  ])('refuses %s', (_name, input, path) => {
    expect(
      issues(input).some((i) => i.startsWith(`${path}:`) || (path === '' && i.includes('heartbeatToken'))),
    ).toBe(true);
  });

  it('keeps TCP monitors as they were: old configurations parse and give the same job spec', () => {
    const stored = { ...parse({ type: 'tcp', host: 'db.internal', port: 5432 }).data, regions: ['local'] };
    const config = monitorConfigSchema.parse(stored);
    const { channelIds: _c, ...rest } = config;
    expect(Object.keys(toCheckSpec('o', 'm', rest)).sort()).toEqual(
      ['assertions', 'host', 'id', 'intervalSeconds', 'name', 'orgId', 'port', 'timeoutMs', 'type'].sort(),
    );
  });

  it('stores a heartbeat token but never puts it in a job spec', () => {
    const input = parse({ type: 'heartbeat', periodSeconds: 120 }).data;
    const config = monitorConfigSchema.parse({
      ...input,
      regions: ['local'],
      heartbeatToken: 'T'.repeat(43),
    });
    const { channelIds: _c, ...rest } = config;
    const spec = toCheckSpec('o', 'm', rest);
    expect(spec).toMatchObject({ type: 'heartbeat', periodSeconds: 120, graceSeconds: 60 });
    expect(JSON.stringify(spec)).not.toContain('TTTT');
    expect(monitorConfigSchema.safeParse({ ...input, regions: ['local'] }).success).toBe(false);
  });
});

describe('target hosts, as each type names them', () => {
  const stored = (input: Record<string, unknown>) =>
    monitorConfigSchema.parse({ name: 'x', regions: ['eu'], timeoutMs: 5_000, ...input });
  it.each<[string, Record<string, unknown>, unknown[]]>([
    [
      'an http URL by its host name',
      { type: 'http', url: 'https://user@0x7f.1/x' },
      [{ path: 'url', host: '127.0.0.1' }],
    ],
    ['a tcp host', { type: 'tcp', host: 'db.internal', port: 5432 }, [{ path: 'host', host: 'db.internal' }]],
    ['a tls host', { type: 'tls', host: 'example.com' }, [{ path: 'host', host: 'example.com' }]],
    [
      'a dns name, only asked about',
      { type: 'dns', host: 'example.com' },
      [{ path: 'host', host: 'example.com', name: true }],
    ],
    [
      'a dns name and its bracketed resolver',
      { type: 'dns', host: 'example.com', resolver: '[::1]:53' },
      [
        { path: 'host', host: 'example.com', name: true },
        { path: 'resolver', host: '::1' },
      ],
    ],
    [
      'a dns resolver with a port',
      { type: 'dns', host: 'example.com', resolver: '10.0.0.2:5353' },
      [
        { path: 'host', host: 'example.com', name: true },
        { path: 'resolver', host: '10.0.0.2' },
      ],
    ],
    ['nothing for a heartbeat', { type: 'heartbeat', periodSeconds: 60, heartbeatToken: 'a'.repeat(32) }, []],
  ])('%s', (_case, input, expected) => {
    expect(monitorTargetHosts(stored(input))).toEqual(expected);
  });
});

describe('heartbeat verdict', () => {
  const since = new Date('2030-01-01T00:00:00Z');
  const at = (s: number) => new Date(since.getTime() + s * 1000);
  const ping = (s: number, status: 'ok' | 'fail' = 'ok', message: string | null = null): HeartbeatPing => ({
    at: at(s),
    status,
    message,
  });

  it.each<[string, HeartbeatPing | null, number, boolean, string | null]>([
    ['a ping just now is up', ping(0), 1, true, null],
    ['a ping exactly period + grace ago is still up', ping(0), 90, true, null],
    ['one second past period + grace is down', ping(0), 91, false, 'timeout'],
    ['no ping yet within period + grace of creation is up', null, 90, true, null],
    ['no ping at all past period + grace of creation is down', null, 91, false, 'timeout'],
    ['a reported failure is down at once', ping(10, 'fail', 'exit 1'), 11, false, 'assertion'],
    ['a late reported failure is down for the silence first', ping(0, 'fail'), 100, false, 'timeout'],
  ])('%s', (_name, lastPing, nowSeconds, ok, kind) => {
    const verdict = evaluateHeartbeat({
      periodSeconds: 60,
      graceSeconds: 30,
      lastPing,
      watchingSince: since,
      now: at(nowSeconds),
    });
    expect(verdict.ok).toBe(ok);
    expect(verdict.error?.kind ?? null).toBe(kind);
  });

  it('says how long it has been silent and what it expected', () => {
    const verdict = evaluateHeartbeat({
      periodSeconds: 60,
      graceSeconds: 30,
      lastPing: ping(0),
      watchingSince: since,
      now: at(200),
    });
    expect(verdict.error?.message).toBe('no ping for 200 s (expected every 60 s, grace 30 s)');
  });
});
