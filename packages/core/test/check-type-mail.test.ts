import { describe, expect, it } from 'vitest';
import { checkSpecSchema, mailPort, monitorTarget, monitorTargetHosts } from '../src/check-types';
import {
  createMonitorSchema,
  monitorConfigSchema,
  toCheckSpec,
  updateMonitorSchema,
} from '../src/schemas/monitor';

const parse = (input: Record<string, unknown>) => createMonitorSchema.safeParse({ name: 'x', ...input });
const paths = (input: Record<string, unknown>) =>
  parse(input).error?.issues.map((i) => i.path.join('.')) ?? [];
const stored = (input: Record<string, unknown>) =>
  monitorConfigSchema.parse({ ...parse(input).data, regions: ['local'] });

describe.each(['smtp', 'imap', 'pop3'] as const)('%s monitors', (type) => {
  it('get their documented defaults, and no port until one is given', () => {
    const parsed = parse({ type, host: 'mail.example.com' });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({
      tls: 'starttls',
      certificateCheck: 'full',
      minDaysLeft: 14,
      assertions: [],
    });
    expect(parsed.data).not.toHaveProperty('port');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a host with a scheme', { host: 'smtp://mail.example.com' }, 'host'],
    ['a missing host', {}, 'host'],
    ['a port out of range', { host: 'a.com', port: 0 }, 'port'],
    ['an unknown TLS mode', { host: 'a.com', tls: 'ssl' }, 'tls'],
    ['an unknown certificate check', { host: 'a.com', certificateCheck: 'none' }, 'certificateCheck'],
    ['minDaysLeft above ten years', { host: 'a.com', minDaysLeft: 4000 }, 'minDaysLeft'],
    ['a username over two lines', { host: 'a.com', username: 'me\r\nQUIT' }, 'username'],
    ['a password over two lines', { host: 'a.com', username: 'me', password: 'x\nQUIT' }, 'password'],
    [
      'an HTTP status assertion',
      { host: 'a.com', assertions: [{ source: 'status', op: 'eq', value: 200 }] },
      'assertions.0.source',
    ],
    ['a field of another type', { host: 'a.com', url: 'https://a.com' }, ''],
  ])('refuses %s', (_name, input, path) => {
    expect(paths({ type, ...input })).toContain(path);
  });

  it('takes certificate and response-time assertions', () => {
    const assertions = [
      { source: 'certExpiresInDays', op: 'gte', value: 30 },
      { source: 'responseTimeMs', op: 'lt', value: 500 },
    ];
    expect(parse({ type, host: 'a.com', assertions }).success).toBe(true);
  });

  it('carries every field in the job spec, which parses with the same rules', () => {
    const config = stored({ type, host: 'mail.example.com', tls: 'implicit', servername: 'mx.example.com' });
    const { channelIds: _c, ...rest } = config;
    const spec = toCheckSpec('o', 'm', rest);
    expect(spec).toMatchObject({
      type,
      host: 'mail.example.com',
      tls: 'implicit',
      servername: 'mx.example.com',
    });
    expect(checkSpecSchema.parse(spec)).toEqual(spec);
  });

  it('names its target with the resolved port, and judges its host', () => {
    const expected = { smtp: [25, 465], imap: [143, 993], pop3: [110, 995] }[type];
    expect(monitorTarget(stored({ type, host: 'a.com', tls: 'none' }))).toBe(
      `${type}://a.com:${expected[0]}`,
    );
    expect(monitorTarget(stored({ type, host: 'a.com' }))).toBe(`${type}://a.com:${expected[0]}`);
    expect(monitorTarget(stored({ type, host: 'a.com', tls: 'implicit' }))).toBe(
      `${type}s://a.com:${expected[1]}`,
    );
    expect(monitorTarget(stored({ type, host: 'a.com', port: 2525 }))).toBe(`${type}://a.com:2525`);
    expect(monitorTargetHosts(stored({ type, host: '10.0.0.5' }))).toEqual([
      { path: 'host', host: '10.0.0.5' },
    ]);
    expect(mailPort(type, { tls: 'starttls', port: 587 })).toBe(587);
  });
});

it('a PATCH takes the mail fields without their defaults', () => {
  const parsed = updateMonitorSchema.safeParse({ tls: 'implicit' });
  expect(parsed.success).toBe(true);
  expect(parsed.data).toEqual({ tls: 'implicit' });
  expect(updateMonitorSchema.safeParse({ certificateCheck: 'sometimes' }).success).toBe(false);
});
