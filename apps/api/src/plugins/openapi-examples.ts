/**
 * Examples for the OpenAPI document, derived from each schema's own definition (its default, enum,
 * format and bounds) and the field's name, so /docs shows values a real request or response could
 * carry instead of the samples a viewer invents from bare types (such as the lowest safe integer).
 */

type Schema = Record<string, unknown>;

const AT = '2026-11-29T09:30:00.000Z';
const ID = '0f6c3a52-9d4e-4b7a-8c21-5e9f1d7b3a60';

/** Values by field name, tried before anything generic; each is used only where its schema accepts it. */
const byName: Record<string, unknown> = {
  accessToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwZjZjM2E1MiJ9.c2lnbmF0dXJl',
  acknowledgedBy: 'ops@example.com',
  actual: 503,
  attempts: 1,
  body: '{"ping":true}',
  cadence: 'weekly',
  cause: 'HTTP 503 from https://example.com/health, expected 200–399',
  channels: 2,
  checks: 1440,
  checksPerSecond: 0.5,
  createdBy: 'ops@example.com',
  cursor: 'eyJpZCI6IjBmNmMzYTUyIn0',
  currentPassword: 'correct horse battery',
  date: '2026-11-29',
  detail: 'intervalSeconds: must be at least 30',
  downtimeSeconds: 120,
  email: 'ops@example.com',
  expect: '+OK',
  expected: 200,
  failedChecks: 2,
  handoffTime: '09:00',
  handoffWeekday: 1,
  headers: { accept: 'application/json' },
  heartbeatToken: 'hb_4Jd8Kq2Lm9Nx3Pr7St5Vw1Yz6Bc0Fg2H',
  host: 'example.com',
  incidents: 1,
  key: 'sm_4Jd8Kq2Lm9Nx3Pr7St5Vw1Yz6Bc0Fg2H',
  keyHint: 'sm_4Jd8…',
  kind: 'http_status',
  message: 'Expected 200–399, got 503',
  monitors: 12,
  name: 'Checkout API',
  newPassword: 'correct horse battery staple',
  nextCursor: null,
  organizationName: 'Acme Inc.',
  password: 'correct horse battery',
  path: '$.status',
  q: 'checkout',
  region: 'eu-west',
  regions: ['eu-west'],
  resolver: '1.1.1.1',
  routingKey: 'R0UT1NGK3Y0000000000000000000000',
  secret: 'whsec_0123456789abcdef',
  send: 'PING\r\n',
  servername: 'example.com',
  slug: 'acme-status',
  source: 'status',
  status: 200,
  statusCode: 200,
  tag: 'production',
  tags: ['production', 'checkout'],
  timeoutMs: 10_000,
  timeZone: 'Europe/Berlin',
  p95: 240,
  p99: 480,
  title: 'Checkout API status',
  to: ['ops@example.com'],
  token: 'tok_4Jd8Kq2Lm9Nx3Pr7St5Vw1Yz6Bc0Fg2H',
  type: 'about:blank',
  url: 'https://example.com/health',
  userId: ID,
  value: [200, 399],
  webhookUrl: 'https://hooks.example.com/services/T000/B000/XXXX',
};

/** Further values for names that mean different things in different places (an HTTP status, a state). */
const alternatives: Record<string, unknown[]> = {
  status: ['up', 'open', 'operational', 'accepted', 'ok', 'delivered'],
  kind: ['scheduled'],
};

/** Values by the end of a field's name: `…At` is a time, `…Ms` milliseconds, and so on. */
const bySuffix: [RegExp, unknown][] = [
  [/At$/, AT],
  [/(^id|Id)$/, ID],
  [/Ids$/, [ID]],
  [/Ms$/, 120],
  [/^p50$/, 120],
  [/Seconds$/, 60],
  [/Percent$/, 99.95],
  [/Url$/, 'https://example.com/health'],
  [/Days(Left)?$/, 14],
  [/PerMinute$/, 30],
];

const byFormat: Record<string, string> = {
  'date-time': AT,
  date: '2026-11-29',
  uuid: ID,
  email: 'ops@example.com',
  uri: 'https://example.com/health',
};

const typesOf = (schema: Schema): string[] =>
  Array.isArray(schema.type)
    ? (schema.type as string[])
    : typeof schema.type === 'string'
      ? [schema.type]
      : [];

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether `value` meets the leaf constraints of `schema` that a candidate can miss (type, enum, bounds, pattern). */
function fits(schema: Schema, value: unknown): boolean {
  const types = typesOf(schema);
  const actual = typeOfValue(value);
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number')))
    return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    return false;
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return false;
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return false;
    if (typeof schema.format === 'string' && schema.format in byFormat && value !== byFormat[schema.format])
      return false;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return false;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return false;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return false;
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return false;
    const items = schema.items as Schema | undefined;
    if (items && typeof items === 'object' && !value.every((v) => fitsAny(items, v))) return false;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    if (!types.includes('object') && types.length > 0) return false;
    if (schema.properties || schema.additionalProperties === false) return false;
  }
  return true;
}

function fitsAny(schema: Schema, value: unknown): boolean {
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  return branches ? branches.some((b) => fitsAny(b, value)) : fits(schema, value);
}

/** A safe-integer bound means "any integer", not a value anyone would send. */
const meaningful = (bound: unknown): bound is number =>
  typeof bound === 'number' && Math.abs(bound) < Number.MAX_SAFE_INTEGER / 2;

function generic(schema: Schema): unknown {
  const types = typesOf(schema);
  if (typeof schema.format === 'string' && byFormat[schema.format]) return byFormat[schema.format];
  // Times the schemas describe in words rather than with a format.
  if (typeof schema.description === 'string' && schema.description.startsWith('ISO 8601')) return AT;
  if (typeof schema.description === 'string' && schema.description.includes('YYYY-MM-DD'))
    return '2026-11-29';
  if (types.includes('boolean')) return true;
  if (types.includes('integer') || types.includes('number')) {
    const low = meaningful(schema.minimum) ? schema.minimum : 0;
    const high = meaningful(schema.maximum) ? schema.maximum : Math.max(low, 1) * 100;
    return Math.min(high, Math.max(low, 1));
  }
  if (types.includes('string')) {
    const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
    return 'example'.padEnd(min, '0');
  }
  return undefined;
}

const candidatesFor = (name: string | undefined): unknown[] => {
  if (!name) return [];
  const suffix = bySuffix.filter(([pattern]) => pattern.test(name)).map(([, value]) => value);
  return [...(name in byName ? [byName[name]] : []), ...(alternatives[name] ?? []), ...suffix];
};

/** One example value of a leaf schema (string, number, integer, boolean), or undefined if none fits. */
function leafExample(schema: Schema, name: string | undefined): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) {
    const named = candidatesFor(name).find((c) => fits(schema, c));
    return named !== undefined ? named : schema.enum[0];
  }
  if (schema.default !== undefined && schema.default !== null) return schema.default;
  for (const candidate of [...candidatesFor(name), generic(schema)]) {
    if (candidate !== undefined && candidate !== null && fits(schema, candidate)) return candidate;
  }
  return undefined;
}

const LEAF_TYPES = ['string', 'number', 'integer', 'boolean'];

/**
 * Adds `examples: [value]` to every leaf of `schema` (in place) and returns an example of the whole,
 * built from its parts; undefined when nothing sensible fits.
 */
export function annotate(schema: Schema, name?: string): unknown {
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) {
    const values = branches.map((branch) => annotate(branch, name));
    const chosen = values.find((v) => v !== undefined && v !== null);
    if (chosen !== undefined) return chosen;
    return branches.some((b) => typesOf(b).includes('null')) ? null : undefined;
  }
  const types = typesOf(schema);
  if (types.includes('object') || schema.properties) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const value: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(properties)) {
      const example = annotate(property, key);
      if (example !== undefined) value[key] = example;
    }
    if (Object.keys(properties).length === 0 && name) {
      const named = candidatesFor(name).find((c) => c !== null && typeof c === 'object' && !Array.isArray(c));
      if (named && fitsAdditional(schema, named as Record<string, unknown>)) return named;
    }
    return value;
  }
  if (types.includes('array')) {
    if (Array.isArray(schema.default) && schema.default.length > 0) return schema.default;
    const items = schema.items as Schema | undefined;
    const item = items && typeof items === 'object' ? annotate(items, singularOf(name)) : undefined;
    const named = candidatesFor(name).find((c) => Array.isArray(c) && fits(schema, c));
    if (named) return named;
    if (item === undefined) return [];
    const count = typeof schema.minItems === 'number' ? Math.max(1, schema.minItems) : 1;
    return Array.from({ length: count }, () => item);
  }
  if (types.some((t) => LEAF_TYPES.includes(t))) {
    const value = leafExample(schema, name);
    if (value !== undefined) schema.examples = [value];
    return value !== undefined ? value : types.includes('null') ? null : undefined;
  }
  if (types.includes('null')) return null;
  // A schema of any value ({}): the field's name may still say what it holds.
  return candidatesFor(name)[0];
}

function fitsAdditional(schema: Schema, value: Record<string, unknown>): boolean {
  const names = schema.propertyNames as Schema | undefined;
  const values = schema.additionalProperties as Schema | boolean | undefined;
  return Object.entries(value).every(
    ([key, v]) =>
      (!names || fits(names, key)) && (typeof values !== 'object' || values === null || fits(values, v)),
  );
}

const singularOf = (name: string | undefined) => name?.replace(/ies$/, 'y').replace(/s$/, '');

/**
 * Annotates the JSON schemas of one route (body, querystring, params, headers, responses) and gives the
 * body and each JSON response an example of the whole; a problem response's example carries its status.
 */
export function addRouteExamples(schema: Schema): void {
  for (const part of ['querystring', 'params', 'headers']) {
    const parameters = schema[part] as Schema | undefined;
    if (parameters && typeof parameters === 'object') annotate(parameters);
  }
  const body = schema.body as Schema | undefined;
  if (body && typeof body === 'object') withWholeExample(body);
  const responses = (schema.response ?? {}) as Record<string, Schema>;
  for (const [code, response] of Object.entries(responses)) {
    if (!response || typeof response !== 'object') continue;
    const example = withWholeExample(response);
    const status = Number(code);
    if (status >= 400 && example && typeof example === 'object' && 'status' in example) {
      const problem = example as Record<string, unknown>;
      problem.status = status;
      problem.title = PROBLEM_TITLES[status] ?? 'Error';
      problem.detail = status === 400 ? 'name: Required' : `${problem.title}.`;
      problem.errors = status === 400 ? [{ path: 'name', message: 'Required' }] : [];
    }
  }
}

const PROBLEM_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The whole-value example becomes the media type's example in the document. */
function withWholeExample(schema: Schema): unknown {
  if (Array.isArray(schema.examples)) return schema.examples[0];
  const types = typesOf(schema);
  if (types.length === 1 && types[0] === 'null') return undefined;
  const example = annotate(schema);
  if (example !== undefined && example !== null && typeof example === 'object') {
    // A copy: the problem status set on it afterwards belongs to this response only.
    const whole = structuredClone(example);
    schema.examples = [whole];
    return whole;
  }
  return example;
}
