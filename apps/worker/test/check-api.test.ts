import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { apiSpec, type LocalServer, startApiServer } from './c-api-servers';
import { context } from './helpers';

let api: LocalServer & { token: string };

beforeAll(async () => {
  api = await startApiServer();
});
afterAll(async () => {
  await api.close();
});

const login = (password = '{{secret_password}}') => ({
  name: 'login',
  method: 'POST',
  url: api.url('/login'),
  headers: { 'content-type': 'application/json' },
  body: `{"user":"ada","password":"${password}"}`,
  assertions: [{ source: 'status', op: 'eq', value: 200 }],
  extract: [
    { name: 'token', from: 'json', path: '$.data.token' },
    { name: 'session', from: 'header', path: 'X-Session' },
  ],
});
const fetchItem = (id = '{{id}}') => ({
  name: 'item',
  url: api.url(`/items/${id}`),
  headers: { authorization: 'Bearer {{token}}', 'x-session': '{{session}}' },
  assertions: [
    { source: 'status', op: 'eq', value: 200 },
    { source: 'json', path: '$.name', op: 'eq', value: 'widget' },
  ],
});
const page = () => ({
  name: 'page',
  url: api.url('/page'),
  extract: [{ name: 'id', from: 'regex', pattern: 'id=(\\d+)' }],
});
const secrets = { secretVariables: { secret_password: 's3cret' } };

describe('multi-step API check', () => {
  it('logs in, passes the token to an authorized call, and times each step', async () => {
    const outcome = await runCheck(apiSpec([login(), page(), fetchItem()], secrets), context);
    expect(outcome.error).toBeNull();
    expect(outcome.ok).toBe(true);
    expect(outcome.statusCode).toBe(200);
    expect(outcome.details?.map((d) => [d.label, d.unit])).toEqual([
      ['step 1 (login)', 'ms'],
      ['step 2 (page)', 'ms'],
      ['step 3 (item)', 'ms'],
    ]);
    expect(outcome.details?.every((d) => typeof d.value === 'number' && d.value >= 0)).toBe(true);
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('puts variables into later URLs percent-encoded, never as a path or query', async () => {
    const echoId = {
      name: 'echo',
      url: api.url('/items/{{secret_path}}'),
      headers: { authorization: 'Bearer {{token}}' },
      assertions: [{ source: 'json', path: '$.id', op: 'eq', value: '../x?y=1' }],
    };
    const outcome = await runCheck(
      apiSpec([login(), echoId], {
        secretVariables: { secret_password: 's3cret', secret_path: '../x?y=1' },
      }),
      context,
    );
    expect(outcome.error).toBeNull();
    expect(api.hits.get('/items/..%2Fx%3Fy%3D1')).toBe(1);
  });

  it('names the step whose status assertion fails', async () => {
    const outcome = await runCheck(
      apiSpec([login(), fetchItem('5')], { secretVariables: { secret_password: 'wrong' } }),
      context,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toEqual({ kind: 'http_status', message: 'step 1 (login): status eq 200, got 401' });
    expect(outcome.statusCode).toBe(401);
    expect(outcome.details?.map((d) => d.label)).toEqual(['step 1 (login)']);
  });

  it('names the step whose JSON assertion fails, after the earlier steps passed', async () => {
    const item = fetchItem('5');
    item.assertions[1] = { source: 'json', path: '$.name', op: 'eq', value: 'gadget' };
    const outcome = await runCheck(apiSpec([login(), item], secrets), context);
    expect(outcome.error).toEqual({
      kind: 'assertion',
      message: 'step 2 (item): json $.name eq "gadget", got "widget"',
    });
    expect(outcome.details).toHaveLength(2);
  });

  it('fails the step whose extraction finds nothing', async () => {
    const broken = { ...login(), extract: [{ name: 'token', from: 'json', path: '$.data.jwt' }] };
    const item = { ...fetchItem('5'), headers: { authorization: 'Bearer {{token}}' } };
    const outcome = await runCheck(apiSpec([broken, item], secrets), context);
    expect(outcome.error).toEqual({
      kind: 'assertion',
      message: 'step 1 (login): extract token: json $.data.jwt found nothing',
    });
  });

  it('fails a step whose secret variable has no value', async () => {
    const outcome = await runCheck(apiSpec([login()]), context);
    expect(outcome.error).toEqual({
      kind: 'assertion',
      message: 'step 1 (login): no value for {{secret_password}}',
    });
  });

  it('refuses to put a line break into a header', async () => {
    const outcome = await runCheck(
      apiSpec([{ name: 'h', url: api.url('/page'), headers: { 'x-a': '{{secret_v}}' } }], {
        secretVariables: { secret_v: 'a\r\nx-injected: 1' },
      }),
      context,
    );
    expect(outcome.error).toEqual({
      kind: 'assertion',
      message: 'step 1 (h): header x-a would hold a line break',
    });
  });

  it('bounds the whole sequence by the monitor timeout', async () => {
    const started = Date.now();
    const outcome = await runCheck(
      apiSpec([login(), { name: 'slow', url: api.url('/slow') }], { ...secrets, timeoutMs: 400 }),
      context,
    );
    expect(outcome.error).toEqual({
      kind: 'timeout',
      message: 'step 2 (slow): no complete response within 400 ms (all steps)',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a private target unless private targets are allowed', async () => {
    const before = api.hits.get('/login') ?? 0;
    const outcome = await runCheck(apiSpec([login()], secrets), { ...context, allowPrivateTargets: false });
    expect(outcome.error?.kind).toBe('blocked_target');
    expect(outcome.error?.message).toMatch(/^step 1 \(login\): blocked: /);
    expect(api.hits.get('/login') ?? 0).toBe(before);
  });

  it('judges the total time with a responseTimeMs assertion', async () => {
    const outcome = await runCheck(
      apiSpec([login()], { ...secrets, assertions: [{ source: 'responseTimeMs', op: 'lt', value: 0 }] }),
      context,
    );
    expect(outcome.error?.kind).toBe('assertion');
    expect(outcome.error?.message).toMatch(/^responseTimeMs lt 0, got \d+/);
  });
});
