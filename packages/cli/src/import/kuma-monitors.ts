import { type Assertion, dnsRecordTypes, httpMethods, MAX_PING_COUNT } from '@sentinelmesh/core';
import { jsonPathFrom, scalarValue, statusAssertion } from './assertions';
import { clamp, type Fields, isRecord, MissingField, need, Untranslatable } from './fields';
import type { MonitorScope, TypeFields } from './scope';
import { isResolverAddress, secretHeaders, secretUrl, secretValue } from './secrets';

/** Each Uptime Kuma monitor type SentinelMesh has a check for, and how its fields translate. */
export const kumaMonitorTypes: Record<string, (f: Fields, m: MonitorScope) => TypeFields> = {
  http: (f, m) => httpMonitor(f, m, []),
  keyword: (f, m) => {
    const keyword = f.take('keyword');
    if (typeof keyword !== 'string' || keyword === '') throw new MissingField('keyword');
    const op = f.bool('invertKeyword') ? 'not_contains' : 'contains';
    return httpMonitor(f, m, [{ source: 'body', op, value: keyword }]);
  },
  'json-query': (f, m) => {
    const query = need(f, 'jsonPath');
    const path = jsonPathFrom(query);
    const operator = f.str('jsonPathOperator') ?? '==';
    const expected = String(f.take('expectedValue') ?? '');
    const assertion = path ? jsonAssertion(path, operator, expected) : null;
    if (!assertion) {
      m.note(
        'jsonPath',
        path
          ? `the comparison "${operator} ${expected}" has no SentinelMesh counterpart; the JSON query is not checked`
          : `the JSONata expression "${query}" is not a plain path ($.a.b[0]); the JSON query is not checked`,
      );
    }
    return httpMonitor(f, m, assertion ? [assertion] : []);
  },
  port: (f) => ({ type: 'tcp', host: need(f, 'hostname'), port: f.num('port') }),
  ping: (f, m) => {
    const count = f.num('ping_count');
    if (count !== undefined && count > MAX_PING_COUNT) {
      m.note('ping_count', `${count} packets: SentinelMesh sends at most ${MAX_PING_COUNT}`);
    }
    return {
      type: 'ping',
      host: need(f, 'hostname'),
      ...(count !== undefined ? { count: clamp(count, 1, MAX_PING_COUNT) } : {}),
    };
  },
  dns: (f, m) => dnsMonitor(f, m),
  'websocket-upgrade': (f, m) => ({
    type: 'websocket',
    url: secretUrl(need(f, 'url'), m.owner, m.ctx),
    ...(f.str('wsSubprotocol') ? { subprotocol: f.str('wsSubprotocol') } : {}),
  }),
  smtp: (f) => {
    const security = f.str('smtpSecurity');
    const tls = security === 'secure' ? 'implicit' : security === 'nostarttls' ? 'none' : 'starttls';
    return {
      type: 'smtp',
      host: need(f, 'hostname'),
      tls,
      ...(f.num('port') ? { port: f.num('port') } : {}),
    };
  },
  postgres: (f, m) => databaseMonitor('postgres', f, m),
  mysql: (f, m) => databaseMonitor('mysql', f, m),
  redis: (f, m) => databaseMonitor('redis', f, m),
};

function httpMonitor(f: Fields, m: MonitorScope, extra: Assertion[]): TypeFields {
  const url = secretUrl(need(f, 'url'), m.owner, m.ctx);
  const method = (f.str('method') ?? 'GET').toUpperCase();
  if (!(httpMethods as readonly string[]).includes(method))
    m.note('method', `method ${method} is not supported`);
  const headers = parseHeaders(f, m);
  const auth = authorization(f, m);
  const body = f.str('body');
  const encoding = f.str('httpBodyEncoding') ?? 'json';
  const contentType = {
    json: 'application/json',
    form: 'application/x-www-form-urlencoded',
    xml: 'text/xml; charset=utf-8',
  }[encoding];
  if (
    body &&
    contentType &&
    !Object.keys({ ...headers, ...auth }).some((h) => h.toLowerCase() === 'content-type')
  ) {
    headers['Content-Type'] = contentType;
  }
  const redirects = f.num('maxredirects');
  if (redirects !== undefined && redirects !== 0 && redirects !== 10) {
    m.note(
      'maxredirects',
      `at most ${redirects} redirects: SentinelMesh follows redirects up to its own limit`,
    );
  }
  const status = acceptedStatus(f, m);
  return {
    type: 'http',
    url,
    ...(httpMethods.includes(method as never) && method !== 'GET' ? { method } : {}),
    ...(Object.keys({ ...headers, ...auth }).length
      ? { headers: { ...secretHeaders(headers, m.owner, m.ctx), ...auth } }
      : {}),
    ...(body ? { body } : {}),
    ...(redirects === 0 ? { followRedirects: false } : {}),
    assertions: [...(status ? [status] : []), ...extra],
  };
}

function parseHeaders(f: Fields, m: MonitorScope): Record<string, string> {
  const raw = f.take('headers');
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      value = JSON.parse(raw);
    } catch {
      m.note('headers', 'not a JSON object; the headers are not imported');
      return {};
    }
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) {
    m.note('headers', 'not a JSON object; the headers are not imported');
    return {};
  }
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, String(v)]));
}

/** Basic and bearer authentication become an Authorization header read from the environment. */
function authorization(f: Fields, m: MonitorScope): Record<string, string> {
  const method = f.str('authMethod');
  const user = f.str('basic_auth_user');
  const password = f.str('basic_auth_pass');
  const token = f.str('bearer_token');
  f.skip('oauth_client_id', 'oauth_client_secret', 'oauth_token_url', 'oauth_scopes', 'oauth_audience');
  f.skip('oauth_auth_method', 'authDomain', 'authWorkstation', 'tlsCa', 'tlsCert', 'tlsKey');
  if (method === 'basic' && (user || password)) {
    const what =
      'the whole Authorization header value: "Basic " and base64 of the Kuma basic_auth_user:basic_auth_pass';
    return { Authorization: secretValue(undefined, m.owner, 'authorization', what, m.ctx) };
  }
  if (method === 'bearer' && token) {
    const what = 'the whole Authorization header value: "Bearer " and the Kuma bearer_token';
    return { Authorization: secretValue(undefined, m.owner, 'authorization', what, m.ctx) };
  }
  if (method && method !== 'none' && method !== 'basic' && method !== 'bearer') {
    m.note('authMethod', `${method} authentication is not supported; the monitor is imported without it`);
  }
  return {};
}

/** `accepted_statuscodes` (`["200-299"]`) as one status assertion. */
function acceptedStatus(f: Fields, m: MonitorScope): Assertion | null {
  const codes = f.list('accepted_statuscodes') ?? ['200-299'];
  const ranges: Array<[number, number]> = [];
  for (const code of codes) {
    const match = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(String(code));
    if (!match?.[1]) {
      m.note('accepted_statuscodes', `"${String(code)}" is not a status code or range`);
      continue;
    }
    ranges.push([Number(match[1]), Number(match[2] ?? match[1])]);
  }
  const assertion = statusAssertion(ranges);
  if (assertion || ranges.length === 0) return assertion;
  const low = Math.min(...ranges.map(([from]) => from));
  const high = Math.max(...ranges.map(([, to]) => to));
  m.note(
    'accepted_statuscodes',
    `too many separate codes for one assertion; any status ${low}-${high} is accepted`,
  );
  return { source: 'status', op: 'between', value: [low, high] };
}

const jsonOps: Record<string, Assertion['op']> = {
  '==': 'eq',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  contains: 'contains',
};

function jsonAssertion(path: string, operator: string, expected: string): Assertion | null {
  const op = jsonOps[operator];
  if (!op) return null;
  if (op === 'lt' || op === 'lte' || op === 'gt' || op === 'gte') {
    const number = Number(expected);
    return expected.trim() !== '' && Number.isFinite(number)
      ? { source: 'json', path, op, value: number }
      : null;
  }
  return { source: 'json', path, op, value: op === 'contains' ? expected : scalarValue(expected) };
}

function dnsMonitor(f: Fields, m: MonitorScope): TypeFields {
  const recordType = f.str('dns_resolve_type') ?? 'A';
  if (!(dnsRecordTypes as readonly string[]).includes(recordType)) {
    m.note('dns_resolve_type', `record type ${recordType} is not supported; A is queried`);
  }
  const server = f.str('dns_resolve_server')?.split(',')[0]?.trim();
  const port = f.num('port');
  const withPort =
    server && port && port !== 53
      ? server.includes(':')
        ? `[${server}]:${port}`
        : `${server}:${port}`
      : server;
  const resolver = withPort && isResolverAddress(withPort) ? withPort : undefined;
  if (withPort && !resolver) {
    m.note('dns_resolve_server', `${server} is not an IP address; the system resolver is used`);
  }
  return {
    type: 'dns',
    host: need(f, 'hostname'),
    ...(dnsRecordTypes.includes(recordType as never) ? { recordType } : {}),
    ...(resolver ? { resolver } : {}),
  };
}

const defaultPorts = { postgres: 5432, mysql: 3306, redis: 6379 } as const;

/** A database monitor from Kuma's connection string; its password is read from the environment. */
function databaseMonitor(type: keyof typeof defaultPorts, f: Fields, m: MonitorScope): TypeFields {
  const text = need(f, 'databaseConnectionString');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Untranslatable(
      'databaseConnectionString is not a URL (host, port and credentials cannot be read)',
    );
  }
  const query = f.str('databaseQuery');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const tlsMode = ['require', 'verify-full'].find((mode) => url.searchParams.get('sslmode') === mode);
  const ignored = [...url.searchParams.keys()].filter((name) => name !== 'sslmode');
  if (ignored.length)
    m.note('databaseConnectionString', `connection options not imported: ${ignored.join(', ')}`);
  const password = url.password
    ? secretValue(
        url.password,
        m.owner,
        'password',
        'the database password from the Kuma connection string',
        m.ctx,
      )
    : undefined;
  return {
    type,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : defaultPorts[type],
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(password ? { password } : {}),
    ...(tlsMode ? { tlsMode } : {}),
    ...(type === 'redis'
      ? database && /^\d+$/.test(database)
        ? { db: Number(database) }
        : {}
      : database
        ? { database }
        : {}),
    ...(type !== 'redis' && query ? { query } : {}),
  };
}
