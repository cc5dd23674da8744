import { type Monitor, SECRET_MASK } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import { type AssertionRow, fromAssertion, toAssertion } from '../src/lib/assertion-rows';
import { pathSegments } from '../src/lib/field-errors';
import {
  holdsStoredSecret,
  initialMonitorFormValues,
  type MonitorFormValues,
  monitorFieldFor,
  monitorToFormValues,
  toMonitorPatch,
  validateMonitorForm,
} from '../src/lib/monitor-form';

const row = (partial: Partial<AssertionRow>): AssertionRow => ({
  key: 'k',
  source: 'status',
  path: '',
  op: 'between',
  value: '200-299',
  ...partial,
});

const http = (overrides: Partial<MonitorFormValues>): MonitorFormValues => ({
  ...initialMonitorFormValues(),
  name: 'Checkout',
  target: { url: 'https://shop.example.com/health' },
  ...overrides,
});
const tcp = (target: Record<string, string>): MonitorFormValues =>
  http({ type: 'tcp', target: { host: 'db.example.com', port: '5432', ...target }, assertions: [] });

describe('validateMonitorForm', () => {
  it('turns a filled-in HTTP form into a create body with its assertions, channels and tags', () => {
    const result = validateMonitorForm(
      http({
        method: 'HEAD',
        assertions: [row({}), row({ source: 'json', path: '$.db', op: 'eq', value: 'up' })],
        channelIds: ['ch1'],
        tags: 'prod, checkout',
        headers: [{ key: 'h', name: 'accept', value: 'application/json' }],
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      input: {
        type: 'http',
        name: 'Checkout',
        url: 'https://shop.example.com/health',
        method: 'HEAD',
        intervalSeconds: 60,
        timeoutMs: 10_000,
        failureThreshold: 2,
        recoveryThreshold: 2,
        retryIntervalSeconds: 5,
        headers: { accept: 'application/json' },
        channelIds: ['ch1'],
        tags: ['prod', 'checkout'],
        assertions: [
          { source: 'status', op: 'between', value: [200, 299] },
          { source: 'json', path: '$.db', op: 'eq', value: 'up' },
        ],
      },
    });
  });

  it('sends a TCP monitor without any HTTP-only field', () => {
    const result = validateMonitorForm(tcp({}));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.input).toMatchObject({ type: 'tcp', host: 'db.example.com', port: 5432 });
    expect(result.input).not.toHaveProperty('url');
    expect(result.input).not.toHaveProperty('method');
  });

  const otherTypes: [string, MonitorFormValues, Record<string, unknown>][] = [
    [
      'a DNS monitor with expected values as a list',
      http({
        type: 'dns',
        target: { host: 'example.com', recordType: 'MX', expectedValues: 'mx1.example.com, mx2.example.com' },
        assertions: [],
      }),
      {
        type: 'dns',
        host: 'example.com',
        recordType: 'MX',
        expectedValues: ['mx1.example.com', 'mx2.example.com'],
      },
    ],
    [
      'a TLS monitor with its default port and expiry margin',
      http({ type: 'tls', target: { host: 'example.com' }, assertions: [] }),
      { type: 'tls', host: 'example.com', port: 443, minDaysLeft: 14 },
    ],
    [
      'a heartbeat monitor with its period',
      http({ type: 'heartbeat', target: { periodSeconds: '3600' }, assertions: [] }),
      { type: 'heartbeat', periodSeconds: 3600, graceSeconds: 60, assertions: [] },
    ],
  ];

  it.each(otherTypes)('sends %s', (_name, values, expected) => {
    const result = validateMonitorForm(values);
    expect(result).toMatchObject({ ok: true, input: expected });
    if (result.ok) expect(result.input).not.toHaveProperty('url');
  });

  it('lets empty optional numbers and regions fall back to the API defaults', () => {
    const result = validateMonitorForm(http({ intervalSeconds: '', timeoutMs: '', regions: '' }));
    expect(result).toMatchObject({ ok: true, input: { intervalSeconds: 60, timeoutMs: 10_000 } });
    if (result.ok) expect(result.input.regions).toBeUndefined();
  });

  const invalid: [string, MonitorFormValues, Record<string, string>][] = [
    ['an empty name is required', http({ name: '  ' }), { name: 'Required' }],
    [
      'a relative URL is refused',
      http({ target: { url: '/health' } }),
      { url: 'must be an absolute http:// or https:// URL' },
    ],
    ['a TCP monitor needs a port', tcp({ port: '' }), { port: 'Required' }],
    ['a port out of range is refused', tcp({ port: '70000' }), { port: 'Must be at most 65535' }],
    [
      'letters in a number field ask for a number',
      http({ intervalSeconds: 'ten' }),
      { intervalSeconds: 'Enter a number' },
    ],
    [
      'a timeout not below the interval is refused',
      http({ intervalSeconds: '5', timeoutMs: '5000' }),
      { timeoutMs: 'timeoutMs must be below the interval' },
    ],
    [
      'an inverted status range is shown at its rule',
      http({ assertions: [row({ value: '500-200' })] }),
      { 'assertion-0-value': 'between takes [low, high] with low <= high' },
    ],
    [
      'a JSON rule without a path is shown at its path input',
      http({ assertions: [row({}), row({ source: 'json', op: 'eq', value: 'up' })] }),
      { 'assertion-1-path': 'Required' },
    ],
    [
      'a broken regular expression is shown at its rule',
      http({ assertions: [row({ source: 'body', op: 'matches', value: '(' })] }),
      { 'assertion-0-value': 'not a valid regular expression: missing closing ): `(`' },
    ],
    [
      'a latency limit that is not a number asks for a number at its rule',
      http({ assertions: [row({ source: 'responseTimeMs', op: 'lt', value: 'fast' })] }),
      { 'assertion-0-value': 'Enter a number' },
    ],
    [
      'a rule without a value asks for one',
      http({ assertions: [row({ source: 'body', op: 'contains', value: ' ' })] }),
      { 'assertion-0-value': 'Enter a value' },
    ],
    [
      'a failure threshold of zero is refused',
      http({ failureThreshold: '0' }),
      { failureThreshold: 'Must be at least 1' },
    ],
  ];

  it.each(invalid)('%s', (_name, values, expected) => {
    const result = validateMonitorForm(values);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fields).toEqual(expected);
    expect(result.form).toEqual([]);
  });
});

describe('assertion rows', () => {
  const cases: [string, AssertionRow, unknown][] = [
    ['a status range', row({ value: '200 - 204' }), { source: 'status', op: 'between', value: [200, 204] }],
    [
      'a status list',
      row({ op: 'in', value: '200, 204' }),
      { source: 'status', op: 'in', value: [200, 204] },
    ],
    [
      'a latency limit',
      row({ source: 'responseTimeMs', op: 'lt', value: '800' }),
      { source: 'responseTimeMs', op: 'lt', value: 800 },
    ],
    [
      'body text stays text even when it looks like a number',
      row({ source: 'body', op: 'contains', value: '42' }),
      { source: 'body', op: 'contains', value: '42' },
    ],
    [
      'a JSON boolean',
      row({ source: 'json', path: '$.ok', op: 'eq', value: 'true' }),
      { source: 'json', path: '$.ok', op: 'eq', value: true },
    ],
    [
      'a header that must exist takes no value',
      row({ source: 'header', path: 'etag', op: 'exists', value: 'x' }),
      { source: 'header', path: 'etag', op: 'exists' },
    ],
  ];

  it.each(cases)('turns %s into an API assertion and back', (_name, input, expected) => {
    const assertion = toAssertion(input);
    expect(assertion).toEqual(expected);
    expect(toAssertion(fromAssertion(assertion))).toEqual(expected);
  });
});

describe('toMonitorPatch', () => {
  it('sends every field but the type, which never changes', () => {
    const result = validateMonitorForm(http({}));
    if (!result.ok) throw new Error('expected a valid form');
    const patch = toMonitorPatch(result.input);
    expect(patch).not.toHaveProperty('type');
    expect(patch).toMatchObject({ name: 'Checkout', url: 'https://shop.example.com/health' });
  });
});

describe('editing a monitor with stored secrets', () => {
  const masked = {
    id: 'm1',
    type: 'http',
    name: 'Private API',
    url: `https://deploy:${SECRET_MASK}@api.example.com/health?token=${SECRET_MASK}`,
    method: 'GET',
    headers: { Authorization: SECRET_MASK, accept: 'application/json' },
    body: null,
    followRedirects: true,
    intervalSeconds: 60,
    timeoutMs: 10_000,
    assertions: [],
    regions: ['local'],
    failureThreshold: 2,
    recoveryThreshold: 2,
    retryIntervalSeconds: 5,
    channelIds: [],
    tags: [],
    paused: false,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    state: { status: 'up', since: null, lastCheckedAt: null, lastLatencyMs: null, lastError: null },
  } as unknown as Monitor;

  it('shows the masks and sends them back untouched, so the API keeps the stored values', () => {
    const values = monitorToFormValues(masked);
    expect(values.target.url).toBe(masked.type === 'http' ? masked.url : '');
    expect(values.headers.map((h) => [h.name, holdsStoredSecret(h.value)])).toEqual([
      ['Authorization', true],
      ['accept', false],
    ]);
    const result = validateMonitorForm({ ...values, name: 'Renamed' });
    if (!result.ok) throw new Error(`expected a valid form: ${JSON.stringify(result.fields)}`);
    expect(toMonitorPatch(result.input)).toMatchObject({
      name: 'Renamed',
      url: `https://deploy:${SECRET_MASK}@api.example.com/health?token=${SECRET_MASK}`,
      headers: { Authorization: SECRET_MASK, accept: 'application/json' },
    });
  });

  it('sends a value typed over a mask, and drops a removed header', () => {
    const values = monitorToFormValues(masked);
    const edited = {
      ...values,
      headers: values.headers
        .filter((h) => h.name !== 'accept')
        .map((h) => ({ ...h, value: 'Bearer new-value' })),
    };
    const result = validateMonitorForm(edited);
    if (!result.ok) throw new Error('expected a valid form');
    expect(toMonitorPatch(result.input).headers).toEqual({ Authorization: 'Bearer new-value' });
  });
});

describe('monitorFieldFor', () => {
  const cases: [string, string | null][] = [
    ['intervalSeconds', 'intervalSeconds'],
    ['assertions.0.value', 'assertion-0-value'],
    ['/assertions/2/path', 'assertion-2-path'],
    ['assertions[0].value', 'assertion-0-value'],
    ['assertions', 'assertions'],
    ['body.port', 'port'],
    ['regions.0', 'regions'],
    ['headers.x-y', 'headers'],
    ['', null],
  ];

  it.each(cases)('puts a problem at path "%s" on field %s', (path, field) => {
    expect(monitorFieldFor(pathSegments(path))).toBe(field);
  });
});
