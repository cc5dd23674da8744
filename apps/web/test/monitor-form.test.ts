import { describe, expect, it } from 'vitest';
import { pathSegments } from '../src/lib/field-errors';
import {
  initialMonitorFormValues,
  type MonitorFormField,
  type MonitorFormValues,
  monitorFieldFor,
  validateMonitorForm,
} from '../src/lib/monitor-form';

const http = (overrides: Partial<MonitorFormValues>): MonitorFormValues => ({
  ...initialMonitorFormValues,
  name: 'Checkout',
  url: 'https://shop.example.com/health',
  ...overrides,
});
const tcp = (overrides: Partial<MonitorFormValues>): MonitorFormValues =>
  http({ type: 'tcp', host: 'db.example.com', port: '5432', ...overrides });

describe('validateMonitorForm', () => {
  it('turns a filled-in HTTP form into a create body with a status between assertion', () => {
    const result = validateMonitorForm(http({ statusLow: '200', statusHigh: '299', method: 'HEAD' }));
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
        retryIntervalSeconds: 5,
        assertions: [{ source: 'status', op: 'between', value: [200, 299] }],
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

  it('lets empty optional numbers fall back to the API defaults', () => {
    const result = validateMonitorForm(
      http({ intervalSeconds: '', timeoutMs: '', statusLow: '', statusHigh: '' }),
    );
    expect(result).toMatchObject({
      ok: true,
      input: { intervalSeconds: 60, timeoutMs: 10_000, assertions: [{ op: 'between', value: [200, 399] }] },
    });
  });

  const invalid: [string, MonitorFormValues, Partial<Record<MonitorFormField, string>>][] = [
    ['an empty name is required', http({ name: '  ' }), { name: 'Required' }],
    [
      'a relative URL is refused',
      http({ url: '/health' }),
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
      'an inverted status range is refused',
      http({ statusLow: '500', statusHigh: '200' }),
      { statusRange: 'The first status code must not be above the second' },
    ],
    [
      'half a status range is refused',
      http({ statusLow: '200', statusHigh: '' }),
      { statusRange: 'Enter two status codes from 100 to 599' },
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

describe('monitorFieldFor', () => {
  const cases: [string, MonitorFormField | null][] = [
    ['intervalSeconds', 'intervalSeconds'],
    ['assertions.0.value', 'statusRange'],
    ['/assertions/0/value', 'statusRange'],
    ['assertions[0].value', 'statusRange'],
    ['body.port', 'port'],
    ['regions.0', null],
    ['', null],
  ];

  it.each(cases)('puts a problem at path "%s" on field %s', (path, field) => {
    expect(monitorFieldFor(pathSegments(path))).toBe(field);
  });
});
