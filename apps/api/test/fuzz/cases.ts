import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import {
  malformedParams,
  malformedValues,
  type ParamValue,
  RawJson,
  randomParam,
  randomValue,
  toJsonText,
} from './malformed';
import { type BodyField, bodyFields, fieldName, type Operation } from './operations';
import { type Resolve, validSample } from './schema';
import { fillPath, type World } from './world';

export type Credential = 'owner' | 'anonymous' | 'bad-token';

/** One malformed request: which part of the operation is wrong, and how. */
export type Case = { credential: Credential } & (
  | { kind: 'param'; param: string; where: 'path' | 'query'; value: ParamValue }
  | { kind: 'field'; field: BodyField; change: { set: unknown } | { remove: true } | { extra: true } }
  | { kind: 'request'; name: string; contentType?: string; payload?: string | Buffer; cookie?: string }
);

const depth = (n: number, open: string, close: string, leaf = '1') => open.repeat(n) + leaf + close.repeat(n);

/** Bodies that are wrong as a whole: not JSON, the wrong media type, the wrong root, too deep, too big. */
const WHOLE_BODIES: Array<{ name: string; contentType?: string; payload?: string | Buffer }> = [
  { name: 'no body' },
  { name: 'empty JSON body', contentType: 'application/json', payload: '' },
  { name: 'truncated JSON', contentType: 'application/json', payload: '{"name":' },
  { name: 'not JSON', contentType: 'application/json', payload: 'nul' },
  { name: 'trailing garbage', contentType: 'application/json', payload: '{}garbage' },
  { name: 'byte order mark', contentType: 'application/json', payload: '\ufeff{}' },
  {
    name: 'invalid UTF-8',
    contentType: 'application/json',
    payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  },
  { name: 'root array', contentType: 'application/json', payload: '[]' },
  { name: 'root number', contentType: 'application/json', payload: '1e400' },
  { name: 'root string', contentType: 'application/json', payload: '"x"' },
  { name: 'root null', contentType: 'application/json', payload: 'null' },
  { name: 'prototype key', contentType: 'application/json', payload: '{"__proto__":{"admin":true}}' },
  { name: 'constructor key', contentType: 'application/json', payload: '{"constructor":{"prototype":{}}}' },
  { name: 'arrays 10,000 deep', contentType: 'application/json', payload: depth(10_000, '[', ']') },
  { name: 'objects 10,000 deep', contentType: 'application/json', payload: depth(10_000, '{"a":', '}') },
  {
    name: 'body past the limit',
    contentType: 'application/json',
    payload: `{"a":"${'a'.repeat(300 * 1024)}"}`,
  },
  { name: 'text/plain', contentType: 'text/plain', payload: '{}' },
  { name: 'form', contentType: 'application/x-www-form-urlencoded', payload: 'a=1&b=2' },
  { name: 'multipart', contentType: 'multipart/form-data; boundary=x', payload: '--x\r\n\r\n1\r\n--x--' },
  { name: 'UTF-16 charset', contentType: 'application/json; charset=utf-16', payload: '{}' },
  { name: 'unknown media type', contentType: 'application/x-fuzz', payload: '{}' },
  { name: 'malformed media type', contentType: ';;==', payload: '{}' },
];

/** Refresh cookies that were never issued: garbage, broken encoding, oversized, repeated. */
const BAD_COOKIES = [
  'sm_refresh=%00%ff%',
  `sm_refresh=${'a'.repeat(8_192)}`,
  'sm_refresh="unterminated',
  'sm_refresh=a; sm_refresh=b',
];

const UNEXPECTED_BODIES = new Set(['truncated JSON', 'prototype key', 'arrays 10,000 deep', 'text/plain']);

/** Everything to send for one operation: each malformed value of each field, and each broken whole body. */
export function casesOf(op: Operation, resolve: Resolve): Case[] {
  const owner = 'owner' as const;
  const out: Case[] = [];
  for (const p of op.parameters) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    for (const value of malformedParams(p.schema ?? {}, p.name, resolve)) {
      out.push({ credential: owner, kind: 'param', param: p.name, where: p.in, value });
    }
  }
  // A field every variant shares (a monitor's name, say) is fuzzed in the first variant that has it.
  const seen = new Set<string>();
  op.bodies.forEach((body, variant) => {
    for (const field of bodyFields(body, variant, resolve)) {
      const key = `${fieldName(field)} ${JSON.stringify(field.steps.at(-1)?.schema)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const leaf = field.steps.at(-1)?.schema ?? {};
      // Items of an array take their name from it: `monitorIds.0` is an id.
      const name = String(field.steps.findLast((s) => typeof s.key === 'string')?.key ?? '');
      for (const set of malformedValues(leaf, name, resolve))
        out.push({ credential: owner, kind: 'field', field, change: { set } });
      if (field.required) out.push({ credential: owner, kind: 'field', field, change: { remove: true } });
      if (field.closedParent) out.push({ credential: owner, kind: 'field', field, change: { extra: true } });
    }
  });
  // An operation without a body gets the broken bodies that could confuse its parser, not every one.
  const owners =
    op.bodies.length > 0 ? WHOLE_BODIES : WHOLE_BODIES.filter((b) => UNEXPECTED_BODIES.has(b.name));
  for (const body of owners) out.push({ credential: 'owner', kind: 'request', ...body });
  for (const body of WHOLE_BODIES) out.push({ credential: 'anonymous', kind: 'request', ...body });
  out.push({ credential: 'bad-token', kind: 'request', name: 'a forged token' });
  for (const cookie of BAD_COOKIES)
    out.push({ credential: 'anonymous', kind: 'request', name: 'a bad cookie', cookie });
  return out.map(printable);
}

/** Random cases for one operation: a random field, a random malformed value, any credential. */
export function randomCase(op: Operation, resolve: Resolve): fc.Arbitrary<Case> {
  const credential = fc.constantFrom<Credential>('owner', 'owner', 'anonymous', 'bad-token');
  const params = op.parameters.filter((p) => p.in === 'path' || p.in === 'query');
  const fields = op.bodies.flatMap((body, variant) => bodyFields(body, variant, resolve));
  const choices: fc.Arbitrary<Case>[] = [];
  if (params.length > 0) {
    choices.push(
      fc
        .record({
          credential,
          kind: fc.constant('param' as const),
          param: fc.constantFrom(...params.map((p) => p.name)),
          value: randomParam,
        })
        .map((c) => ({
          ...c,
          where:
            params.find((p) => p.name === c.param)?.in === 'path' ? ('path' as const) : ('query' as const),
        })),
    );
  }
  if (fields.length > 0) {
    choices.push(
      fc.record({
        credential,
        kind: fc.constant('field' as const),
        field: fc.constantFrom(...fields),
        change: randomValue.map((set) => ({ set })),
      }),
    );
  }
  choices.push(
    fc.record({
      credential,
      kind: fc.constant('request' as const),
      name: fc.constant('random JSON body'),
      contentType: fc.constant('application/json'),
      payload: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v) ?? 'null'),
    }),
  );
  return fc.oneof(...choices).map(printable);
}

/** Counterexamples print as describeCase says, not as a dump of a 100 KiB value. */
function printable(c: Case): Case {
  return Object.defineProperty(c, fc.toStringMethod, { value: () => describeCase(c), enumerable: false });
}

/** Sets, removes or adds beside one field of the variant's valid body. */
function bodyWith(
  baseline: unknown,
  field: BodyField,
  change: Extract<Case, { kind: 'field' }>['change'],
  resolve: Resolve,
  world: World,
): unknown {
  const root = structuredClone(baseline) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = root;
  const known = { byName: world.byName, now: new Date() };
  field.steps.slice(0, -1).forEach((step, i) => {
    const next = field.steps[i + 1];
    let child = parent[step.key];
    if (child === null || typeof child !== 'object') {
      child = validSample(step.schema, resolve, known, String(step.key));
      if (child === null || typeof child !== 'object') child = typeof next?.key === 'number' ? [] : {};
      parent[step.key] = child;
    }
    parent = child as Record<string | number, unknown>;
  });
  const last = field.steps.at(-1);
  if (!last) return root;
  if ('set' in change) parent[last.key] = change.set;
  else if ('remove' in change) delete parent[last.key];
  else parent.unknownFuzzField = 'x';
  return root;
}

/** Percent-encodes text, lone surrogates included (as the UTF-8 of their replacement character). */
const encode = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
};

const encodeParam = (v: ParamValue) => ('value' in v ? encode(v.value) : 'raw' in v ? v.raw : '');

/** The request a case stands for, with the world's credentials, ids and valid values elsewhere. */
export function requestOf(op: Operation, c: Case, resolve: Resolve, world: World): InjectOptions {
  const headers: Record<string, string> = {};
  if (c.credential === 'owner') headers.authorization = `Bearer ${world.owner.token}`;
  if (c.credential === 'bad-token') headers.authorization = `Bearer ${world.owner.token.slice(0, -4)}AAAA`;
  const pathOverride =
    c.kind === 'param' && c.where === 'path' ? { name: c.param, encoded: encodeParam(c.value) } : undefined;
  let url = fillPath(world, op.path, pathOverride);
  if (c.kind === 'param' && c.where === 'query') {
    const values = 'many' in c.value ? c.value.many.map(encode) : [encodeParam(c.value)];
    url += `?${values.map((v) => `${encode(c.param)}=${v}`).join('&')}`;
  }
  const method = op.method as InjectOptions['method'];
  if (c.kind === 'request') {
    if (c.contentType) headers['content-type'] = c.contentType;
    if (c.cookie) headers.cookie = c.cookie;
    return { method, url, headers, ...(c.payload === undefined ? {} : { payload: c.payload }) };
  }
  const variant = op.bodies[c.kind === 'field' ? c.field.variant : 0];
  if (!variant) return { method, url, headers };
  const baseline = validSample(variant, resolve, { byName: world.byName, now: new Date() });
  const body = c.kind === 'field' ? bodyWith(baseline, c.field, c.change, resolve, world) : baseline;
  headers['content-type'] = 'application/json';
  return { method, url, headers, payload: toJsonText(body) };
}

const preview = (value: unknown): string => {
  const text =
    value instanceof RawJson
      ? value.text
      : typeof value === 'string'
        ? JSON.stringify(value)
        : toJsonText(value);
  const shown = text === undefined ? String(value) : text;
  return shown.length > 80 ? `${shown.slice(0, 80)}… (${shown.length} chars)` : shown;
};

/** "query limit = "-1"", "body[1] config.url removed", "request: truncated JSON": for assertion messages. */
export function describeCase(c: Case): string {
  const who = c.credential === 'owner' ? '' : ` [${c.credential}]`;
  if (c.kind === 'param') {
    const shown =
      'value' in c.value
        ? preview(c.value.value)
        : 'raw' in c.value
          ? `raw ${c.value.raw}`
          : `repeated ${preview(c.value.many)}`;
    return `${c.where} ${c.param} = ${shown}${who}`;
  }
  if (c.kind === 'field') {
    const name = `body[${c.field.variant}] ${fieldName(c.field)}`;
    if ('set' in c.change) return `${name} = ${preview(c.change.set)}${who}`;
    return `${name} ${'remove' in c.change ? 'removed' : 'with an unknown field beside it'}${who}`;
  }
  const detail = c.contentType ?? (c.cookie ? preview(c.cookie) : undefined);
  return `request: ${c.name}${detail ? ` (${detail})` : ''}${who}`;
}
