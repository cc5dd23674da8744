import { type Assertion, evaluateAssertions, type MonitorType } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import { globPattern, jsonPathFrom, statusAssertion } from '../../src/import/assertions';
import { type ConditionOutcome, translateCondition } from '../../src/import/gatus-conditions';

const assertions = (...list: Assertion[]): ConditionOutcome => ({ kind: 'assertions', assertions: list });

describe('Gatus conditions', () => {
  it.each<[string, MonitorType, ConditionOutcome]>([
    ['[STATUS] == 200', 'http', assertions({ source: 'status', op: 'eq', value: 200 })],
    ['[status] != 500', 'http', assertions({ source: 'status', op: 'neq', value: 500 })],
    ['200 == [STATUS]', 'http', assertions({ source: 'status', op: 'eq', value: 200 })],
    ['400 > [STATUS]', 'http', assertions({ source: 'status', op: 'lt', value: 400 })],
    ['[STATUS] == any(200, 204)', 'http', assertions({ source: 'status', op: 'in', value: [200, 204] })],
    [
      '[STATUS] != any(500, 503)',
      'http',
      assertions({ source: 'status', op: 'neq', value: 500 }, { source: 'status', op: 'neq', value: 503 }),
    ],
    ['[STATUS] == pat(2*)', 'http', assertions({ source: 'status', op: 'matches', value: '^2[\\s\\S]*$' })],
    ['[RESPONSE_TIME] <= 1500', 'http', assertions({ source: 'responseTimeMs', op: 'lte', value: 1500 })],
    ['[RESPONSE_TIME] < 1s500ms', 'tcp', assertions({ source: 'responseTimeMs', op: 'lt', value: 1500 })],
    ['[BODY].status == UP', 'http', assertions({ source: 'json', path: '$.status', op: 'eq', value: 'UP' })],
    ['[BODY][0].id == 7', 'http', assertions({ source: 'json', path: '$[0].id', op: 'eq', value: '7' })],
    [
      '[BODY].data.count > 5',
      'http',
      assertions({ source: 'json', path: '$.data.count', op: 'gt', value: 5 }),
    ],
    ['has([BODY].errors) == true', 'http', assertions({ source: 'json', path: '$.errors', op: 'exists' })],
    [
      '[BODY] == pat(*ok*)',
      'tcp',
      assertions({ source: 'body', op: 'matches', value: '^[\\s\\S]*ok[\\s\\S]*$' }),
    ],
    ['[BODY] == 192.0.2.1', 'dns', { kind: 'expected', value: '192.0.2.1' }],
    [
      '[CERTIFICATE_EXPIRATION] > 48h',
      'http',
      assertions({ source: 'certExpiresInDays', op: 'gte', value: 2 }),
    ],
    ['[CERTIFICATE_EXPIRATION] > 720h', 'tls', { kind: 'minDaysLeft', days: 30 }],
    ['[CERTIFICATE_EXPIRATION] >= 168h', 'smtp', { kind: 'minDaysLeft', days: 7 }],
    ['[CONNECTED] == true', 'tcp', { kind: 'implied' }],
    ['[DNS_RCODE] == NOERROR', 'dns', { kind: 'implied' }],
    ['[BODY].status == SERVING', 'grpc', { kind: 'implied' }],
  ])('translates %s for a %s monitor', (condition, type, expected) => {
    expect(translateCondition(condition, type)).toEqual(expected);
  });

  it.each<[string, MonitorType, string]>([
    [
      '[DNS_RCODE] == NXDOMAIN',
      'dns',
      'a DNS check fails on any answer code but NOERROR; other codes cannot be expected',
    ],
    ['[CONNECTED] == false', 'tcp', 'only [CONNECTED] == true translates'],
    ['len([BODY].items) == 3', 'http', 'len() has no counterpart: lengths cannot be asserted'],
    ['has([BODY].errors) == false', 'http', 'has([BODY].errors) has no counterpart'],
    ['[BODY].name != pat(test*)', 'http', 'a pattern can only be required to match (==)'],
    ['[STATUS] == ok', 'http', 'ok is not a number'],
    ['[STATUS] == 200', 'tcp', 'a tcp monitor cannot judge status'],
    ['[BODY].status == UP', 'websocket', 'a websocket monitor cannot judge json'],
    ['[CERTIFICATE_EXPIRATION] < 48h', 'http', 'only a lower bound on the time left (> or >=) translates'],
    ['[STATUS] = 200', 'http', 'not a "<left> <operator> <right>" condition'],
    ['[DOMAIN_EXPIRATION] > 720h', 'http', 'domain expiry: add a domain monitor for the domain'],
  ])('reports %s on a %s monitor', (condition, type, reason) => {
    expect(translateCondition(condition, type)).toEqual({ kind: 'unmapped', reason });
  });

  it('translates patterns that judge as Gatus does', () => {
    const response = (body: string) => ({
      statusCode: 200,
      headers: {},
      body,
      latencyMs: 1,
      certExpiresAt: null,
    });
    const outcome = translateCondition('[BODY] == pat(v?.*-[0-9]*)', 'tcp');
    if (outcome.kind !== 'assertions') throw new Error(outcome.kind);
    const now = new Date();
    expect(evaluateAssertions(outcome.assertions, response('v1.2-3'), now)).toEqual([]);
    expect(evaluateAssertions(outcome.assertions, response('v1.2-x'), now)).toHaveLength(1);
    expect(evaluateAssertions(outcome.assertions, response('xv1.2-3'), now)).toHaveLength(1);
  });
});

describe('translation helpers', () => {
  it.each<[Array<[number, number]>, Assertion | null]>([
    [[[200, 299]], { source: 'status', op: 'between', value: [200, 299] }],
    [[[200, 200]], { source: 'status', op: 'eq', value: 200 }],
    [
      [
        [200, 299],
        [300, 399],
      ],
      { source: 'status', op: 'between', value: [200, 399] },
    ],
    [
      [
        [301, 301],
        [200, 201],
      ],
      { source: 'status', op: 'in', value: [200, 201, 301] },
    ],
    [
      [
        [200, 299],
        [400, 499],
      ],
      null,
    ],
  ])('accepts the status codes %j with one assertion', (ranges, expected) => {
    expect(statusAssertion(ranges)).toEqual(expected);
  });

  it.each<[string, string | null]>([
    ['data.status', '$.data.status'],
    ['$.data.items[2].name', '$.data.items[2].name'],
    ['.status', '$.status'],
    ['[0].id', '$[0].id'],
    ['', '$'],
    ['$count(items)', null],
    ["items[type='a']", null],
  ])('reads the path %s as %s', (path, expected) => {
    expect(jsonPathFrom(path)).toBe(expected);
  });

  it.each<[string, string | null]>([
    ['*ok*', '^[\\s\\S]*ok[\\s\\S]*$'],
    ['1.2.?', '^1\\.2\\.[\\s\\S]$'],
    ['[!a]b', '^[^a]b$'],
    ['(x)+', '^\\(x\\)\\+$'],
    ['[unclosed', null],
  ])('turns the glob %s into %s', (glob, expected) => {
    expect(globPattern(glob)).toBe(expected);
  });
});
