import { describe, expect, it } from 'vitest';
import { extractValue, renderTemplate, templateNames } from '../src/api-steps';
import { checkTypes, monitorTarget, monitorTargetHosts } from '../src/check-types';
import { parseRdapBootstrap, rdapServerFor, readDomainAnswer } from '../src/rdap';
import { createMonitorSchema, type StoredMonitorConfig } from '../src/schemas/monitor';

const jobBase = { id: 'm1', orgId: 'o1', name: 'x', timeoutMs: 1000, intervalSeconds: 60, assertions: [] };
const parse = (input: Record<string, unknown>) => createMonitorSchema.safeParse({ name: 'x', ...input });
const issues = (input: Record<string, unknown>) =>
  parse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('domain monitors', () => {
  it('get their documented defaults and a lower-case domain', () => {
    expect(parse({ type: 'domain', domain: 'Example.COM' }).data).toMatchObject({
      domain: 'example.com',
      minDaysLeft: 14,
      warnDaysLeft: 30,
      assertions: [],
    });
  });

  it.each([
    ['a single label', { domain: 'localhost' }, 'domain'],
    ['a URL', { domain: 'https://example.com/' }, 'domain'],
    ['a non-http RDAP server', { domain: 'example.com', rdapBaseUrl: 'ftp://rdap.example/' }, 'rdapBaseUrl'],
    [
      'a status assertion',
      { domain: 'example.com', assertions: [{ source: 'status', op: 'eq', value: 200 }] },
      'assertions.0.source',
    ],
  ])('refuse %s', (_what, fields, path) => {
    expect(issues({ type: 'domain', ...fields }).some((i) => i.startsWith(`${path}:`))).toBe(true);
  });

  it('name the RDAP server a monitor gives as its target host, and none otherwise', () => {
    const config = (extra: Record<string, unknown>) =>
      ({
        ...parse({ type: 'domain', domain: 'example.com', ...extra }).data,
        regions: ['eu'],
        timeoutMs: 1000,
      }) as StoredMonitorConfig;
    expect(monitorTargetHosts(config({}))).toEqual([]);
    expect(monitorTargetHosts(config({ rdapBaseUrl: 'https://rdap.example.net/v1/' }))).toEqual([
      { path: 'rdapBaseUrl', host: 'rdap.example.net' },
    ]);
    expect(monitorTarget(config({}))).toBe('rdap://example.com');
  });
});

describe('RDAP reading', () => {
  const bootstrap = parseRdapBootstrap({
    services: [
      [
        ['com', 'net'],
        ['http://rdap.example/com/', 'https://rdap.example/com/'],
      ],
      [['co.uk'], ['https://rdap.example/couk/']],
      [['uk'], ['https://rdap.example/uk/']],
    ],
  });

  it('picks the longest matching suffix and prefers HTTPS (RFC 9224)', () => {
    if (!bootstrap) throw new Error('bootstrap not parsed');
    expect(rdapServerFor(bootstrap, 'a.example.com')).toBe('https://rdap.example/com/');
    expect(rdapServerFor(bootstrap, 'shop.co.uk')).toBe('https://rdap.example/couk/');
    expect(rdapServerFor(bootstrap, 'gov.uk')).toBe('https://rdap.example/uk/');
    expect(rdapServerFor(bootstrap, 'example.org')).toBeNull();
    expect(parseRdapBootstrap({ services: 'no' })).toBeNull();
  });

  it('reads the expiration event and the registrar, and says what it cannot read', () => {
    expect(
      readDomainAnswer({
        objectClassName: 'domain',
        events: [{ eventAction: 'expiration', eventDate: '2030-01-02T00:00:00Z' }],
        entities: [{ roles: ['registrar'], vcardArray: ['vcard', [['fn', {}, 'text', 'Reg Inc.']]] }],
      }),
    ).toEqual({ expiresAt: new Date('2030-01-02T00:00:00Z'), registrar: 'Reg Inc.' });
    expect(readDomainAnswer({ objectClassName: 'domain' })).toEqual({ expiresAt: null, registrar: null });
    expect(readDomainAnswer([])).toEqual({ problem: 'the answer is not a JSON object' });
    expect(readDomainAnswer({ events: [{ eventAction: 'expiration', eventDate: 'soon' }] })).toEqual({
      problem: 'the expiration event has no valid date (soon)',
    });
  });
});

describe('multi-step API monitors', () => {
  const step = (extra: Record<string, unknown> = {}) => ({
    name: 'a',
    url: 'https://api.example.com/x',
    ...extra,
  });

  it('give each step the documented defaults', () => {
    expect(parse({ type: 'api', steps: [step()] }).data).toMatchObject({
      secretVariables: {},
      assertions: [],
      steps: [
        {
          method: 'GET',
          headers: {},
          body: null,
          followRedirects: true,
          extract: [],
          assertions: [{ source: 'status', op: 'between', value: [200, 399] }],
        },
      ],
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no steps', { steps: [] }, 'steps'],
    ['a placeholder in the host', { steps: [step({ url: 'https://{{secret_h}}/x' })] }, 'steps.0.url'],
    ['an undefined variable', { steps: [step({ url: 'https://api.example.com/{{id}}' })] }, 'steps.0'],
    [
      'a variable extracted only later',
      { steps: [step({ body: '{{t}}' }), step({ extract: [{ name: 't', from: 'header', path: 'x-t' }] })] },
      'steps.0',
    ],
    [
      'a JSON extraction without a path',
      { steps: [step({ extract: [{ name: 't', from: 'json' }] })] },
      'steps.0.extract.0.path',
    ],
    [
      'a regex RE2 refuses',
      { steps: [step({ extract: [{ name: 't', from: 'regex', pattern: '(a)\\1' }] })] },
      'steps.0.extract.0.pattern',
    ],
    [
      'a secret variable without the secret_ prefix',
      { steps: [step()], secretVariables: { password: 'x' } },
      'secretVariables.password',
    ],
  ])('refuse %s', (_what, fields, path) => {
    const found = issues({ type: 'api', ...fields });
    expect(
      found.some((i) => i.startsWith(`${path}:`)),
      found.join('\n'),
    ).toBe(true);
  });

  it('want secrets in headers and URLs from variables when written, and take public headers as written', () => {
    const written = (steps: Record<string, unknown>[]) => {
      const parsed = parse({ type: 'api', secretVariables: { secret_token: 't' }, steps });
      expect(parsed.error?.issues ?? []).toEqual([]);
      return checkTypes.api.writeProblems(parsed.data as never).map((p) => p.path);
    };
    expect(
      written([
        step({ headers: { Authorization: 'Bearer abc123', 'x-api-key': 'k-1', Accept: 'text/html' } }),
        step({ url: 'https://api.example.com/x?token=abc&page=2' }),
        step({ url: 'https://ada:pw@api.example.com/x' }),
      ]),
    ).toEqual(['steps.0.headers.Authorization', 'steps.0.headers.x-api-key', 'steps.1.url', 'steps.2.url']);
    expect(
      written([
        step({
          url: 'https://api.example.com/x?token={{secret_token}}&page=2',
          headers: {
            Authorization: 'Bearer {{secret_token}}',
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          extract: [{ name: 'session', from: 'header', path: 'x-session' }],
        }),
        step({ headers: { 'x-session': '{{session}}' } }),
      ]),
    ).toEqual([]);
    // A check job of a monitor saved before the rule still parses: the rule judges only what is written.
    const legacy = { ...step({ headers: { Authorization: 'Bearer abc123' } }), method: 'GET' };
    expect(checkTypes.api.spec.safeParse({ ...jobBase, type: 'api', steps: [legacy] }).success).toBe(true);
  });

  it('names every step URL as a target host', () => {
    const data = parse({
      type: 'api',
      steps: [step(), step({ url: 'https://auth.example.net/{{secret_x}}' })],
    }).data;
    expect(monitorTargetHosts({ ...data, regions: ['eu'], timeoutMs: 1000 } as StoredMonitorConfig)).toEqual([
      { path: 'steps.0.url', host: 'api.example.com' },
      { path: 'steps.1.url', host: 'auth.example.net' },
    ]);
  });
});

describe('templating and extraction', () => {
  const vars = new Map([['token', 'a b/c']]);

  it('substitutes named variables only, encoding as asked, and lists missing ones', () => {
    expect(renderTemplate('/x/{{ token }}?q={{nope}}', vars, encodeURIComponent)).toEqual({
      text: '/x/a%20b%2Fc?q={{nope}}',
      missing: ['nope'],
    });
    expect(renderTemplate('{{token.constructor}} {{token}}', vars).text).toBe('{{token.constructor}} a b/c');
    expect(templateNames('{{a}}{{b}}{{a}}')).toEqual(['a', 'b']);
  });

  it('extracts from JSON paths, headers and RE2 groups', () => {
    const response = {
      headers: { 'x-session': 's1' },
      body: '{"data":{"token":"t1","n":3,"o":{"k":1}}} id=42',
    };
    const json = { headers: response.headers, body: '{"data":{"token":"t1","n":3,"o":{"k":1}}}' };
    expect(extractValue({ name: 'v', from: 'json', path: '$.data.token' }, json)).toBe('t1');
    expect(extractValue({ name: 'v', from: 'json', path: '$.data.n' }, json)).toBe('3');
    expect(extractValue({ name: 'v', from: 'json', path: '$.data.o' }, json)).toBe('{"k":1}');
    expect(extractValue({ name: 'v', from: 'json', path: '$.data.missing' }, json)).toBeNull();
    expect(extractValue({ name: 'v', from: 'header', path: 'X-Session' }, response)).toBe('s1');
    expect(extractValue({ name: 'v', from: 'regex', pattern: 'id=(\\d+)' }, response)).toBe('42');
    expect(extractValue({ name: 'v', from: 'regex', pattern: 'id=\\d+' }, response)).toBe('id=42');
    expect(extractValue({ name: 'v', from: 'regex', pattern: 'nothing' }, response)).toBeNull();
  });
});
