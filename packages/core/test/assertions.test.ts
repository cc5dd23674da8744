import { describe, expect, it } from 'vitest';
import {
  describeFailedAssertion,
  evaluateAssertions,
  type ObservedResponse,
  readJsonPath,
} from '../src/assertions';
import { MAX_MATCH_CHARS } from '../src/regex';
import { type Assertion, assertionOps, assertionSchema, assertionSources } from '../src/schemas/assertion';

const now = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

/** A response in which every source reads the number `n` (body and header as text). */
function numericResponse(n: number): ObservedResponse {
  return {
    statusCode: n,
    headers: { 'x-count': String(n), 'content-type': 'application/json' },
    body: JSON.stringify({ n, s: 'up', nested: { list: [n, 'two'] } }),
    latencyMs: n,
    certExpiresAt: new Date(now.getTime() + n * DAY + DAY / 2),
    packetLossPercent: n,
  };
}

const N = 42;
const numericResponseFor = (source: string): ObservedResponse => {
  const r = numericResponse(N);
  return source === 'body' ? { ...r, body: String(N) } : r;
};
const pathOf: Record<string, string | undefined> = { json: '$.n', header: 'X-Count' };

type Case = { op: Assertion['op']; pass: Assertion['value']; fail: Assertion['value'] };
const numericCases: Case[] = [
  { op: 'eq', pass: N, fail: N + 1 },
  { op: 'neq', pass: N + 1, fail: N },
  { op: 'lt', pass: N + 1, fail: N },
  { op: 'lte', pass: N, fail: N - 1 },
  { op: 'gt', pass: N - 1, fail: N },
  { op: 'gte', pass: N, fail: N + 1 },
  { op: 'between', pass: [N - 1, N + 1], fail: [N + 1, N + 5] },
  { op: 'contains', pass: '4', fail: '7' },
  { op: 'not_contains', pass: '7', fail: '4' },
  { op: 'matches', pass: '^4\\d$', fail: '^x' },
  { op: 'exists', pass: undefined, fail: undefined },
  { op: 'in', pass: [1, N], fail: [1, 2] },
];

/** The same response with the source's value missing, for `exists` to fail on. */
function without(source: string, r: ObservedResponse): ObservedResponse {
  switch (source) {
    case 'status':
      return { ...r, statusCode: null };
    case 'body':
      return { ...r, body: null };
    case 'json':
      return { ...r, body: '{"other":1}' };
    case 'header':
      return { ...r, headers: {} };
    case 'responseTimeMs':
      return { ...r, latencyMs: null };
    case 'packetLossPercent':
      return { ...r, packetLossPercent: null };
    default:
      return { ...r, certExpiresAt: null };
  }
}

const grid = assertionSources.flatMap((source) => numericCases.map((c) => ({ source, ...c })));

describe('assertion evaluation: every source with every operator', () => {
  it('covers each source and operator of the API', () => {
    const seen = new Set(grid.map((g) => `${g.source}:${g.op}`));
    expect(seen.size).toBe(assertionSources.length * assertionOps.length);
  });

  it.each(grid)('$source $op passes on a matching response', ({ source, op, pass }) => {
    const assertion = { source, op, path: pathOf[source], value: pass } as Assertion;
    expect(assertionSchema.safeParse(assertion).success).toBe(true);
    expect(evaluateAssertions([assertion], numericResponseFor(source), now)).toEqual([]);
  });

  it.each(grid)('$source $op fails on a non-matching response and names itself', ({ source, op, fail }) => {
    const assertion = { source, op, path: pathOf[source], value: fail } as Assertion;
    const response =
      op === 'exists' ? without(source, numericResponseFor(source)) : numericResponseFor(source);
    const failed = evaluateAssertions([assertion], response, now);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      source,
      op,
      expected: fail ?? null,
      ...(pathOf[source] ? { path: pathOf[source] } : {}),
    });
    expect(failed[0]).toHaveProperty('actual');
    expect(describeFailedAssertion(failed[0] as never)).toContain(source);
  });
});

describe('assertion evaluation: text, JSON and headers', () => {
  const response: ObservedResponse = {
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: '{"db":{"status":"up","replicas":[{"lag":3}]},"ok":true,"none":null,"a b":"spaced"}',
    latencyMs: 10,
    certExpiresAt: null,
  };
  it.each<[string, Assertion, boolean, unknown]>([
    [
      'a nested JSON string equals',
      { source: 'json', path: '$.db.status', op: 'eq', value: 'up' },
      true,
      'up',
    ],
    [
      'a JSON array element compares',
      { source: 'json', path: '$.db.replicas[0].lag', op: 'lt', value: 5 },
      true,
      3,
    ],
    [
      'a quoted JSON key is read',
      { source: 'json', path: '$["a b"]', op: 'eq', value: 'spaced' },
      true,
      'spaced',
    ],
    ['a JSON boolean equals', { source: 'json', path: '$.ok', op: 'eq', value: true }, true, true],
    ['a JSON null does not exist', { source: 'json', path: '$.none', op: 'exists' }, false, null],
    [
      'a missing JSON path does not exist',
      { source: 'json', path: '$.db.missing', op: 'exists' },
      false,
      null,
    ],
    [
      'a JSON object can be searched as text',
      { source: 'json', path: '$.db', op: 'contains', value: '"lag":3' },
      true,
      null,
    ],
    [
      'a JSON value in a list',
      { source: 'json', path: '$.db.status', op: 'in', value: ['up', 'degraded'] },
      true,
      'up',
    ],
    [
      'header names are case-insensitive',
      { source: 'header', path: 'Content-Type', op: 'contains', value: 'json' },
      true,
      null,
    ],
    [
      'a header that is absent fails eq with nothing seen',
      { source: 'header', path: 'x-nope', op: 'eq', value: 'a' },
      false,
      null,
    ],
    ['the body matches a pattern', { source: 'body', op: 'matches', value: '"status":\\s*"up"' }, true, null],
    ['a status given as a string still equals', { source: 'status', op: 'eq', value: '200' }, true, 200],
  ])('%s', (_name, assertion, ok, actual) => {
    const failed = evaluateAssertions([assertion], response, now);
    expect(failed.length === 0).toBe(ok);
    if (!ok) expect(failed[0]?.actual).toEqual(actual);
  });

  it('judges JSON assertions on a body that is not JSON as failed, without throwing', () => {
    const failed = evaluateAssertions(
      [{ source: 'json', path: '$.a', op: 'eq', value: 1 }],
      { ...response, body: '<html>oops' },
      now,
    );
    expect(failed).toMatchObject([{ source: 'json', path: '$.a', actual: null }]);
  });

  it('reads JSON assertions from a document given beside the body (a database check’s result)', () => {
    const result = { ...response, body: '5', json: { value: 5, rows: 2 } };
    const failed = evaluateAssertions(
      [
        { source: 'json', path: '$.value', op: 'eq', value: 5 },
        { source: 'json', path: '$.rows', op: 'gt', value: 2 },
        { source: 'body', op: 'eq', value: '5' },
      ],
      result,
      now,
    );
    expect(failed).toMatchObject([{ source: 'json', path: '$.rows', actual: 2 }]);
  });

  it('names every failed assertion, not only the first', () => {
    const failed = evaluateAssertions(
      [
        { source: 'status', op: 'eq', value: 201 },
        { source: 'body', op: 'contains', value: 'ok' },
        { source: 'json', path: '$.db.status', op: 'eq', value: 'down' },
        { source: 'responseTimeMs', op: 'lt', value: 5 },
      ],
      response,
      now,
    );
    expect(failed.map((f) => f.source)).toEqual(['status', 'json', 'responseTimeMs']);
    expect(failed[1]).toEqual({
      source: 'json',
      path: '$.db.status',
      op: 'eq',
      expected: 'down',
      actual: 'up',
    });
  });

  it('shortens a long actual value it reports', () => {
    const [failed] = evaluateAssertions(
      [{ source: 'body', op: 'eq', value: 'x' }],
      { ...response, body: 'y'.repeat(5000) },
      now,
    );
    expect(String(failed?.actual).length).toBeLessThanOrEqual(201);
  });

  it('matches patterns against the first 64 KiB of a body only', () => {
    const body = `${'a'.repeat(MAX_MATCH_CHARS)}needle`;
    const failed = evaluateAssertions(
      [{ source: 'body', op: 'matches', value: 'needle' }],
      { ...response, body },
      now,
    );
    expect(failed).toHaveLength(1);
  });

  it('counts whole days left on a certificate', () => {
    const certExpiresAt = new Date(now.getTime() + 14 * DAY - 1);
    const failed = evaluateAssertions(
      [{ source: 'certExpiresInDays', op: 'gte', value: 14 }],
      { ...response, certExpiresAt },
      now,
    );
    expect(failed).toMatchObject([{ actual: 13 }]);
  });

  it.each(['$', '$.a', '$.a[0]', '$["x y"].b'])('reads the JSON path %s', (path) => {
    expect(readJsonPath({ a: [1], 'x y': { b: 2 } }, path)).not.toBeTypeOf('symbol');
  });
});

describe('assertion schema', () => {
  it.each<[string, unknown, string]>([
    [
      'a regular expression with a backreference',
      { source: 'body', op: 'matches', value: '(a)\\1' },
      'backreferences are not supported',
    ],
    ['an invalid regular expression', { source: 'body', op: 'matches', value: '([' }, 'not a valid'],
    [
      'a regular expression longer than 512 characters',
      { source: 'body', op: 'matches', value: 'a'.repeat(513) },
      'at most 512 characters',
    ],
    [
      'between with the bounds reversed',
      { source: 'status', op: 'between', value: [300, 200] },
      'low <= high',
    ],
    ['a JSON assertion without a path', { source: 'json', op: 'exists' }, 'needs a path'],
    [
      'a numeric comparison with text',
      { source: 'responseTimeMs', op: 'lt', value: 'fast' },
      'takes a number',
    ],
    ['in without a list', { source: 'status', op: 'in', value: 200 }, 'array'],
  ])('refuses %s', (_name, input, message) => {
    const result = assertionSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join(' ')).toContain(message);
  });
});
