import { describe, expect, it } from 'vitest';
import { describeRule, explainIncident, type FailedCheckFacts } from '../src/incident-explanation';

const check = (facts: Partial<FailedCheckFacts>): FailedCheckFacts => ({
  ok: false,
  region: 'local',
  statusCode: null,
  errorKind: null,
  errorMessage: null,
  failedAssertions: [],
  ...facts,
});

const status503 = { source: 'status', op: 'between', expected: [200, 399], actual: 503 };
const bodyOk = { source: 'body', op: 'contains', expected: 'ok', actual: 'maintenance' };

describe('describeRule', () => {
  const cases = [
    { rule: status503, words: 'the status code should be between 200 and 399' },
    { rule: bodyOk, words: 'the body should contain "ok"' },
    {
      rule: { source: 'json', path: '$.db.status', op: 'eq', expected: 'up', actual: 'down' },
      words: 'the JSON value at $.db.status should be "up"',
    },
    {
      rule: { source: 'header', path: 'content-type', op: 'contains', expected: 'json', actual: 'text/html' },
      words: 'the content-type header should contain "json"',
    },
    {
      rule: { source: 'responseTimeMs', op: 'lt', expected: 800, actual: 1200 },
      words: 'the response time (ms) should be below 800',
    },
    {
      rule: { source: 'certExpiresInDays', op: 'gt', expected: 14, actual: 3 },
      words: 'the days until the certificate expires should be above 14',
    },
    {
      rule: { source: 'json', path: '$.ok', op: 'exists', expected: null, actual: null },
      words: 'the JSON value at $.ok should exist',
    },
    {
      rule: { source: 'status', op: 'in', expected: [200, 204], actual: 500 },
      words: 'the status code should be one of 200, 204',
    },
  ];
  it.each(cases)('says "$words"', ({ rule, words }) => {
    expect(describeRule(rule)).toBe(words);
  });
});

describe('explainIncident', () => {
  it('has nothing to explain without a failed check', () => {
    expect(explainIncident([])).toBeNull();
    expect(explainIncident([check({ ok: true })])).toBeNull();
  });

  it('names every failed rule once, with what the first check that broke it saw', () => {
    const explanation = explainIncident([
      check({ region: 'local', statusCode: 503, errorKind: 'http_status', failedAssertions: [status503] }),
      check({
        region: 'eu-west',
        statusCode: 503,
        errorKind: 'http_status',
        failedAssertions: [{ ...status503, actual: 502 }, bodyOk],
      }),
    ]);
    expect(explanation).toEqual({
      text: 'Failed in eu-west and local: the status code should be between 200 and 399, but was 503; the body should contain "ok", but was "maintenance".',
      failedRules: ['The status code should be between 200 and 399', 'The body should contain "ok"'],
      errors: [],
      regions: ['eu-west', 'local'],
    });
  });

  it('explains a check without a response by its error', () => {
    const explanation = explainIncident([
      check({ region: 'local', errorKind: 'connect', errorMessage: 'connect ECONNREFUSED 127.0.0.1:9' }),
      check({ region: 'us-east', errorKind: 'timeout', errorMessage: 'after 10000 ms' }),
      check({ region: 'local', errorKind: 'connect', errorMessage: 'connect ECONNREFUSED 127.0.0.1:9' }),
    ]);
    expect(explanation?.text).toBe('Failed in local and us-east: connection refused; timeout.');
    expect(explanation?.errors).toEqual(['connection refused', 'timeout']);
    expect(explanation?.failedRules).toEqual([]);
  });

  it('says a rule saw nothing when the value was missing, and clips long values', () => {
    const explanation = explainIncident([
      check({
        failedAssertions: [
          { source: 'header', path: 'x-version', op: 'exists', expected: null, actual: null },
          { source: 'body', op: 'contains', expected: 'ok', actual: 'x'.repeat(200) },
        ],
      }),
    ]);
    expect(explanation?.text).toBe(
      `Failed in local: the x-version header should exist, but it was missing; the body should contain "ok", but was "${'x'.repeat(78)}….`,
    );
  });

  it('lists three regions with commas and "and"', () => {
    const explanation = explainIncident(
      ['c', 'a', 'b'].map((region) => check({ region, errorKind: 'timeout' })),
    );
    expect(explanation?.text).toBe('Failed in a, b and c: timeout.');
  });
});
