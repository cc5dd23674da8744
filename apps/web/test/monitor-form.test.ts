import { type Monitor, SECRET_MASK } from '@sentinelmesh/core';
import { describe, expect, it } from 'vitest';
import { type AssertionRow, fromAssertion, toAssertion } from '../src/lib/assertion-rows';
import { groupProblems, humanizeFieldName, labelProblems, pathSegments } from '../src/lib/field-errors';
import {
  holdsStoredSecret,
  initialMonitorFormValues,
  type MonitorFormValues,
  monitorFieldFor,
  monitorFieldLabel,
  monitorToFormValues,
  timeoutPlaceholder,
  toMonitorCreate,
  toMonitorInput,
  toMonitorPatch,
  validateMonitorEdit,
  validateMonitorForm,
} from '../src/lib/monitor-form';
import { typeSpec } from '../src/lib/monitor-types';

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
      { timeoutMs: 'must be shorter than the interval' },
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

const stored = (overrides: Record<string, unknown> = {}) =>
  ({
    id: 'm1',
    type: 'http',
    name: 'Checkout',
    url: 'https://shop.example.com/health',
    method: 'GET',
    headers: {},
    body: null,
    followRedirects: true,
    intervalSeconds: 60,
    timeoutMs: 10_000,
    assertions: [{ source: 'status', op: 'between', value: [200, 399] }],
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
    ...overrides,
  }) as unknown as Monitor;

/** The PATCH body an edit of `monitor` sends after `edit` changed the loaded form. */
function patchOf(monitor: Monitor, edit: (values: MonitorFormValues) => MonitorFormValues) {
  const loaded = monitorToFormValues(monitor);
  const edited = edit(loaded);
  const result = validateMonitorForm(edited);
  if (!result.ok) throw new Error(`expected a valid form: ${JSON.stringify(result.fields)}`);
  return toMonitorPatch(result.input, loaded, edited);
}

describe('toMonitorPatch', () => {
  it('sends only the fields the user changed, never the type', () => {
    expect(patchOf(stored(), (v) => ({ ...v, name: 'Renamed', tags: 'prod' }))).toEqual({
      name: 'Renamed',
      tags: ['prod'],
    });
    expect(patchOf(stored(), (v) => v)).toEqual({});
  });

  it('shows a timeout nobody chose as the default, and does not send it when the interval changes', () => {
    const values = monitorToFormValues(stored());
    expect(values.timeoutMs).toBe('');
    expect(timeoutPlaceholder(values.intervalSeconds)).toBe('Default: 10000');
    expect(timeoutPlaceholder('5')).toBe('Default: 4000');
    expect(patchOf(stored(), (v) => ({ ...v, intervalSeconds: '5' }))).toEqual({ intervalSeconds: 5 });
  });

  it('keeps a chosen timeout in its input; clearing it sends the default of the interval', () => {
    const chosen = stored({ timeoutMs: 3000 });
    expect(monitorToFormValues(chosen).timeoutMs).toBe('3000');
    expect(patchOf(chosen, (v) => ({ ...v, intervalSeconds: '30' }))).toEqual({ intervalSeconds: 30 });
    expect(patchOf(chosen, (v) => ({ ...v, timeoutMs: '' }))).toEqual({ timeoutMs: 10_000 });
    expect(patchOf(chosen, (v) => ({ ...v, timeoutMs: '', intervalSeconds: '5' }))).toEqual({
      intervalSeconds: 5,
      timeoutMs: 4000,
    });
  });
});

describe('every problem at once, under the labels the form shows', () => {
  it('reports each field of a form with several mistakes in one go', () => {
    const result = validateMonitorForm(
      http({
        name: '',
        target: { url: '/health' },
        intervalSeconds: '5',
        timeoutMs: '9000',
        failureThreshold: '0',
      }),
    );
    if (result.ok) throw new Error('expected problems');
    expect(Object.keys(result.fields).sort()).toEqual(['failureThreshold', 'name', 'timeoutMs', 'url']);
    expect(
      labelProblems(result.fields, (f) => monitorFieldLabel(f, 'http'))
        .map((p) => p.label)
        .sort(),
    ).toEqual(['Down after (failed checks in a row)', 'Name', 'Timeout (ms)', 'URL'].sort());
  });

  it('names server problems by the label, not the API field name', () => {
    const found = groupProblems(
      [
        { path: 'intervalSeconds', message: 'must be at least 30 on this deployment' },
        { path: 'assertions.1.value', message: 'not a valid regular expression' },
        { path: 'periodSeconds', message: 'Too small' },
      ],
      monitorFieldFor,
    );
    expect(labelProblems(found.fields, (f) => monitorFieldLabel(f, 'heartbeat'))).toEqual([
      {
        id: 'intervalSeconds',
        label: 'Look for missed pings every (seconds)',
        message: 'must be at least 30 on this deployment',
      },
      { id: 'assertion-1-value', label: 'Assertion rule 2', message: 'not a valid regular expression' },
      { id: 'periodSeconds', label: 'Expected every (seconds)', message: 'Too small' },
    ]);
    expect(monitorFieldLabel('intervalSeconds', 'http')).toBe('Check every (seconds)');
    expect(monitorFieldLabel('quorumPolicy', 'http')).toBe('Quorum policy');
    expect(humanizeFieldName('monitorIds.0')).toBe('Monitor ids 0');
  });
});

describe('validateMonitorEdit', () => {
  it('refuses emptied regions on an edit, beside the other problems, since a patch cannot ask for every region', () => {
    const loaded = monitorToFormValues(stored());
    const result = validateMonitorEdit(loaded, { ...loaded, regions: ' ', name: '' });
    expect(result).toEqual({
      ok: false,
      fields: { name: 'Required', regions: 'Name at least one region' },
      form: [],
    });
    expect(validateMonitorEdit(loaded, { ...loaded, regions: 'local, eu' }).ok).toBe(true);
  });
});

describe('toMonitorCreate', () => {
  it('sends what the form holds, and leaves a default it only shows to the API', () => {
    const values = http({ intervalSeconds: '5' });
    const result = validateMonitorForm(values);
    if (!result.ok) throw new Error('expected a valid form');
    expect(result.input.timeoutMs).toBe(4000);
    const body = toMonitorCreate(result.input, values);
    expect(body).not.toHaveProperty('timeoutMs');
    expect(body).toMatchObject({ type: 'http', name: 'Checkout', intervalSeconds: 5, failureThreshold: 2 });
    const chosen = http({ timeoutMs: '3000' });
    const parsed = validateMonitorForm(chosen);
    if (!parsed.ok) throw new Error('expected a valid form');
    expect(toMonitorCreate(parsed.input, chosen)).toMatchObject({ timeoutMs: 3000 });
  });
});

describe('heartbeat monitors', () => {
  it('leave out the fields that do not apply: timeout, regions, re-check, assertions, request', () => {
    expect(typeSpec('heartbeat').omits).toEqual(['timeoutMs', 'regions', 'retryIntervalSeconds']);
    expect(typeSpec('heartbeat').assertionSources).toEqual([]);
    const input = toMonitorInput(
      http({
        type: 'heartbeat',
        target: { periodSeconds: '3600' },
        timeoutMs: '5000',
        regions: 'eu',
        retryIntervalSeconds: '9',
      }),
    );
    for (const field of [
      'timeoutMs',
      'regions',
      'retryIntervalSeconds',
      'assertions',
      'url',
      'method',
      'headers',
    ]) {
      expect(input).not.toHaveProperty(field);
    }
    expect(input).toMatchObject({ type: 'heartbeat', periodSeconds: 3600, intervalSeconds: 60 });
  });
});

describe('editing a monitor with stored secrets', () => {
  const masked = stored({
    name: 'Private API',
    url: `https://deploy:${SECRET_MASK}@api.example.com/health?token=${SECRET_MASK}`,
    headers: { Authorization: SECRET_MASK, accept: 'application/json' },
    assertions: [],
  });

  it('shows the masks and leaves the untouched secrets out of the patch, so the API keeps them', () => {
    const values = monitorToFormValues(masked);
    expect(values.target.url).toBe(masked.type === 'http' ? masked.url : '');
    expect(values.headers.map((h) => [h.name, holdsStoredSecret(h.value)])).toEqual([
      ['Authorization', true],
      ['accept', false],
    ]);
    expect(patchOf(masked, (v) => ({ ...v, name: 'Renamed' }))).toEqual({ name: 'Renamed' });
  });

  it('sends a value typed over a mask, and drops a removed header', () => {
    const patch = patchOf(masked, (values) => ({
      ...values,
      headers: values.headers
        .filter((h) => h.name !== 'accept')
        .map((h) => ({ ...h, value: 'Bearer new-value' })),
    }));
    expect(patch).toEqual({ headers: { Authorization: 'Bearer new-value' } });
  });

  it('sends the masks back with the headers when another header changes', () => {
    const patch = patchOf(masked, (values) => ({
      ...values,
      headers: values.headers.map((h) => (h.name === 'accept' ? { ...h, value: 'text/plain' } : h)),
    }));
    expect(patch).toEqual({ headers: { Authorization: SECRET_MASK, accept: 'text/plain' } });
  });
});

describe('a select that carries a boolean, and JSON headers (UDP and WebSocket monitors)', () => {
  const udp = (target: Record<string, string>): MonitorFormValues =>
    http({
      type: 'udp',
      target: { host: 'ntp.example.com', port: '123', payload: 'x', ...target },
      assertions: [],
    });
  const websocket = (target: Record<string, string>): MonitorFormValues =>
    http({ type: 'websocket', target: { url: 'wss://example.com/socket', ...target }, assertions: [] });

  it('sends awaitReply as a boolean: true as shown untouched, false when chosen', () => {
    expect(toMonitorInput(udp({})).awaitReply).toBe(true);
    expect(toMonitorInput(udp({ awaitReply: 'false' })).awaitReply).toBe(false);
    expect(validateMonitorForm(udp({ awaitReply: 'false' }))).toMatchObject({
      ok: true,
      input: { type: 'udp', awaitReply: false },
    });
  });

  it('refuses a value that is not a boolean under the field, rather than guessing', () => {
    const result = validateMonitorForm(udp({ awaitReply: 'maybe' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fields)).toEqual(['awaitReply']);
  });

  it('loads a stored awaitReply into the select and patches only a change of it', () => {
    const monitor = stored({
      type: 'udp',
      host: 'ntp.example.com',
      port: 123,
      payload: 'x',
      awaitReply: false,
      assertions: [],
    });
    expect(monitorToFormValues(monitor).target.awaitReply).toBe('false');
    expect(patchOf(monitor, (v) => v)).toEqual({});
    expect(patchOf(monitor, (v) => ({ ...v, target: { ...v.target, awaitReply: 'true' } }))).toEqual({
      awaitReply: true,
    });
  });

  it('sends WebSocket headers typed as a JSON object, and leaves them out when empty', () => {
    const typed = validateMonitorForm(websocket({ headers: '{ "Authorization": "Bearer abc" }' }));
    expect(typed).toMatchObject({ ok: true, input: { headers: { Authorization: 'Bearer abc' } } });
    expect('headers' in toMonitorInput(websocket({ headers: '  ' }))).toBe(false);
    const notJson = validateMonitorForm(websocket({ headers: '{ Authorization: x' }));
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) expect(Object.keys(notJson.fields)).toEqual(['headers']);
  });

  it('shows stored WebSocket headers with their masks and keeps them when untouched', () => {
    const monitor = stored({
      type: 'websocket',
      url: 'wss://example.com/socket',
      headers: { Authorization: SECRET_MASK },
      assertions: [],
    });
    const values = monitorToFormValues(monitor);
    expect(JSON.parse(values.target.headers ?? '')).toEqual({ Authorization: SECRET_MASK });
    expect(holdsStoredSecret(values.target.headers)).toBe(true);
    expect(patchOf(monitor, (v) => ({ ...v, name: 'Renamed' }))).toEqual({ name: 'Renamed' });
  });

  it('offers the fields in the form, each initial value matching its default', () => {
    const awaitReply = typeSpec('udp').fields.find((f) => f.name === 'awaitReply');
    expect(awaitReply).toMatchObject({
      kind: 'select',
      boolean: true,
      options: ['true', 'false'],
      initial: 'true',
    });
    expect(typeSpec('websocket').fields.find((f) => f.name === 'headers')?.kind).toBe('json');
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
