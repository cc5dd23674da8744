import fc from 'fast-check';
import { acceptedTypes, type JsonSchema, type Resolve } from './schema';

/** JSON text that no JS value serializes to (`1e400`, a `__proto__` key), spliced into a body as is. */
export class RawJson {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

/** Stringifies a body, writing each RawJson's text verbatim. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return v;
  });
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)] ?? 'null');
}

const HUGE = 'a'.repeat(100 * 1024);
const nested = (depth: number, leaf: unknown, wrap: (inner: unknown) => unknown) => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
};

/** Strings that break parsers, encodings, databases and logs; the random runs add many more. */
export const hostileStrings = [
  '',
  'a\u0000b',
  'a\udfffb\ud800',
  '\u0001\u001b[31m\u007f\r\nInjected: header',
  '\ufeff\u202e😀ｆｕｚｚ',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, sent as literal text
  "'; DROP TABLE x; --%_\\${jndi:x}{{7*7}}<script>../../",
  HUGE,
];

/** Values that look like what a field of a format takes, but are not, by format. */
const invalidFormats = {
  uuid: ['not-a-uuid', '00000000-0000-0000-0000-00000000000g', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'],
  date: [
    '2026-02-30T00:00:00Z',
    '2026-13-01T25:61:61Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999Z',
    '+275760-09-13T00:00:00.001Z',
    '1970-01-01T00:00:00+23:59',
  ],
  url: [
    'http://',
    'https://[::1',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'http://user:pass@169.254.169.254:99999/x',
    'http://exa mple.com/',
  ],
  email: ['a@', '@example.com', 'a@@example.com', 'a@b', `${'a'.repeat(300)}@example.com`],
  number: ['1e400', 'NaN', '-0'],
};

/** The invalid-format values that fit a field: by its format, else by its name; numbers-as-text always. */
function formatValues(s: JsonSchema, name: string): string[] {
  const groups: Array<keyof typeof invalidFormats> = ['number'];
  if (s.format === 'uuid' || /id$/i.test(name)) groups.push('uuid');
  if (s.format === 'date-time' || s.format === 'date' || /at$|from|to|date|time/i.test(name))
    groups.push('date');
  if (s.format === 'uri' || /url|uri|host/i.test(name)) groups.push('url');
  if (s.format === 'email' || /email|^to$/i.test(name)) groups.push('email');
  return groups.flatMap((g) => invalidFormats[g]);
}

/** Numbers JSON can spell but a double cannot hold. */
const rawNumbers = ['1e400', '-1e400', '1e-400', '123456789012345678901234567890'].map((t) => new RawJson(t));

const WRONG_TYPES: Array<[string, unknown]> = [
  ['number', 0],
  ['string', 'x'],
  ['boolean', true],
  ['null', null],
  ['array', []],
  ['object', {}],
];

/** Numbers around a schema's bounds, and the ones that break integer columns and arithmetic. */
function numbersFor(s: JsonSchema): unknown[] {
  const bounds = [s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum].filter(
    (b): b is number => b !== undefined,
  );
  return [-1, 1.5, 2 ** 53 + 2, Number.MAX_VALUE, ...rawNumbers, ...bounds.flatMap((b) => [b - 1, b + 1])];
}

/**
 * Malformed values for one field of a body: each wrong JSON type, empty, past the maximum length and
 * huge, hostile strings, boundary and absurd numbers, invalid formats, deep nesting, a prototype key.
 */
export function malformedValues(schema: JsonSchema, name: string, resolve: Resolve): unknown[] {
  const s = resolve(schema);
  const accepts = acceptedTypes(s, resolve);
  const any = accepts.size === 0;
  const max = s.maxLength;
  return dedupe([
    ...WRONG_TYPES.filter(([type]) => any || !accepts.has(type)).map(([, value]) => value),
    ...(accepts.has('string') || any
      ? [
          ...hostileStrings,
          ...(max !== undefined ? ['a'.repeat(max + 1), '😀'.repeat(Math.ceil((max + 1) / 2))] : []),
          ...formatValues(s, name),
        ]
      : [HUGE]),
    ...(accepts.has('number') || any ? numbersFor(s) : [new RawJson('1e400')]),
    nested(200, 1, (inner) => [inner]),
    new RawJson('{"__proto__":{"polluted":true}}'),
  ]);
}

/** Malformed values for a path or query parameter: strings, with a few raw (undecoded) ones marked. */
export function malformedParams(schema: JsonSchema, name: string, resolve: Resolve): ParamValue[] {
  const s = resolve(schema);
  const strings = [
    ...hostileStrings,
    ...formatValues(s, name),
    '-1',
    '1.5',
    '99999999999999999999',
    '[]',
    ...(s.maxLength !== undefined ? ['a'.repeat(s.maxLength + 1)] : []),
    ...(s.enum ?? []).map((v) => `${String(v).toUpperCase()} `),
  ];
  return [
    ...dedupe(strings).map((value) => ({ value })),
    ...['%', '%C0%AF', '%ED%A0%80'].map((raw) => ({ raw })),
    { many: ['1', '2'] },
  ];
}

/** A parameter's value: a string (percent-encoded when sent), an already-encoded string, or a repeated key. */
export type ParamValue = { value: string } | { raw: string } | { many: string[] };

function dedupe<T>(values: T[]): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v instanceof RawJson ? `raw:${v.text}` : `${typeof v}:${JSON.stringify(v)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Random malformed JSON values beyond the fixed lists. */
export const randomValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.double(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => new RawJson(n.toString())),
  fc.jsonValue({ maxDepth: 4 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.webUrl(),
  fc.emailAddress(),
  fc.uuid(),
);

/** Random malformed parameter values. */
export const randomParam: fc.Arbitrary<ParamValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((value) => ({ value })),
  fc.double().map((n) => ({ value: String(n) })),
  fc.integer().map((n) => ({ value: String(n) })),
  fc.date({ noInvalidDate: true }).map((d) => ({ value: d.toISOString() })),
  fc.array(fc.string({ maxLength: 10 }), { minLength: 2, maxLength: 4 }).map((many) => ({ many })),
);
