import { describe, expect, it } from 'vitest';
import { monitorTarget, redisCommandProblem } from '../src/check-types';
import { createMonitorSchema, monitorConfigSchema, toCheckSpec } from '../src/schemas/monitor';
import { SECRET_MASK } from '../src/secret-urls';

const parse = (input: Record<string, unknown>) => createMonitorSchema.safeParse({ name: 'x', ...input });
const stored = (input: Record<string, unknown>) =>
  monitorConfigSchema.parse({ ...parse(input).data, regions: ['local'], timeoutMs: 5000 });
const issues = (input: Record<string, unknown>) =>
  parse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('database monitor types', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'postgres',
      { type: 'postgres', host: 'db.example.com' },
      { port: 5432, username: 'postgres', database: 'postgres', tlsMode: 'disable', assertions: [] },
    ],
    [
      'mysql',
      { type: 'mysql', host: 'db.example.com' },
      { port: 3306, username: 'root', tlsMode: 'disable', assertions: [] },
    ],
    [
      'redis',
      { type: 'redis', host: 'cache.example.com' },
      { port: 6379, db: 0, tlsMode: 'disable', assertions: [] },
    ],
  ])('%s monitors get their documented defaults', (_type, input, expected) => {
    const parsed = parse(input);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject(expected);
    expect(parsed.data).not.toHaveProperty('password');
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a write command',
      { type: 'redis', host: 'c.example', command: 'SET k v' },
      'command: SET is not allowed',
    ],
    [
      'a dangerous read',
      { type: 'redis', host: 'c.example', command: 'KEYS *' },
      'command: KEYS is not allowed',
    ],
    [
      'a command with too many arguments',
      { type: 'redis', host: 'c.example', command: 'GET a b' },
      'command: GET takes 1 argument',
    ],
    [
      'a TLS mode that is not offered',
      { type: 'postgres', host: 'db.example', tlsMode: 'prefer' },
      'tlsMode',
    ],
    [
      'a status assertion',
      { type: 'mysql', host: 'db.example', assertions: [{ source: 'status', op: 'eq', value: 200 }] },
      'assertions.0.source',
    ],
    ['a host with a scheme', { type: 'postgres', host: 'postgres://db.example' }, 'host'],
    ['a database number out of range', { type: 'redis', host: 'c.example', db: 256 }, 'db'],
    ['an empty query', { type: 'postgres', host: 'db.example', query: '  ' }, 'query'],
  ])('refuses %s', (_what, input, expected) => {
    expect(issues(input).some((issue) => issue.startsWith(expected))).toBe(true);
  });

  it('accepts allowed commands in any case, with their arguments', () => {
    for (const command of [
      'PING',
      'ping hello',
      'GET feature:flag',
      'EXISTS a b c',
      'INFO replication',
      'DBSIZE',
      'hget h f',
    ]) {
      expect(redisCommandProblem(command), command).toBeNull();
    }
  });

  it('names the server but never the user or password as the target', () => {
    const config = stored({
      type: 'postgres',
      host: '2001:db8::5',
      username: 'admin',
      password: 'secret',
      database: 'orders',
    });
    expect(monitorTarget(config)).toBe('postgres://[2001:db8::5]:5432/orders');
    expect(monitorTarget(stored({ type: 'redis', host: 'cache', db: 2 }))).toBe('redis://cache:6379/2');
  });

  it('carries the password in a job only as a mask', () => {
    const config = stored({ type: 'mysql', host: 'db.example', password: 'secret' });
    const { channelIds: _c, ...rest } = config;
    const spec = toCheckSpec('o', 'm', rest);
    expect(spec).toMatchObject({ type: 'mysql', password: SECRET_MASK });
    expect(JSON.stringify(spec)).not.toContain('secret');
  });
});
