import { randomUUID } from 'node:crypto';

/** The part of JSON Schema (as OpenAPI 3.1 uses it) that the generators read. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** Follows local `$ref`s (`#/components/schemas/...`) and merges `allOf`, so callers see plain schemas. */
export function resolver(document: unknown) {
  const lookup = (ref: string): JsonSchema => {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
    let node: unknown = document;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
      node = (node as Record<string, unknown> | undefined)?.[key];
    }
    if (!node || typeof node !== 'object') throw new Error(`unresolvable $ref ${ref}`);
    return node as JsonSchema;
  };
  const resolve = (schema: JsonSchema | undefined, seen = new Set<string>()): JsonSchema => {
    if (!schema) return {};
    if (schema.$ref) {
      if (seen.has(schema.$ref)) return {};
      const { $ref, ...rest } = schema;
      return resolve({ ...lookup($ref), ...rest }, new Set([...seen, $ref]));
    }
    if (schema.allOf) {
      const { allOf, ...rest } = schema;
      const merged: JsonSchema = { ...rest, properties: {}, required: [] };
      for (const part of allOf) {
        const { properties, required, ...others } = resolve(part, seen);
        Object.assign(merged, others);
        Object.assign(merged.properties ?? {}, properties);
        merged.required?.push(...(required ?? []));
      }
      return merged;
    }
    return schema;
  };
  return resolve;
}

export type Resolve = ReturnType<typeof resolver>;

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/** The JSON types a schema accepts; empty when it says nothing (any value). */
export function acceptedTypes(schema: JsonSchema, resolve: Resolve): Set<string> {
  const s = resolve(schema);
  const branches = s.anyOf ?? s.oneOf;
  const found = new Set(typesOf(s));
  if (s.enum) for (const v of s.enum) found.add(v === null ? 'null' : typeof v);
  if (branches) for (const b of branches) for (const t of acceptedTypes(b, resolve)) found.add(t);
  if (found.has('integer')) found.add('number');
  return found;
}

/** Existing ids and other values a valid request may need, found by field name. */
export interface KnownValues {
  byName: Record<string, unknown>;
  now: Date;
}

let unique = 0;

// Strings that satisfy the patterns of ordinary identifiers, tried in order against a field's pattern.
const CANDIDATES = ['fuzz', 'local', 'fuzz-a', 'a1', 'Fuzz', 'x-fuzz', 'fuzz_1', 'example.com', '1'];

function sampleString(s: JsonSchema, name: string, known: KnownValues): string {
  const n = ++unique;
  const min = s.minLength ?? 0;
  if (s.format === 'email') return `fuzz${n}-${randomUUID().slice(0, 8)}@example.com`;
  if (s.format === 'date-time') {
    const hours = /end|to$|until|before/i.test(name) ? 2 : 1;
    return new Date(known.now.getTime() + hours * 3_600_000).toISOString();
  }
  if (s.format === 'uuid') return randomUUID();
  if (s.format === 'uri' || /url$/i.test(name)) return 'https://example.com/fuzz';
  if (/host|servername/i.test(name)) return 'example.com';
  if (/slug/i.test(name)) return `fuzz-${n}-${randomUUID().slice(0, 8)}`;
  const pattern = s.pattern ? new RegExp(s.pattern, 'u') : undefined;
  const fitted = CANDIDATES.map((c) => c.padEnd(min, c.at(-1) ?? 'a')).filter(
    (c) => (s.maxLength === undefined || c.length <= s.maxLength) && (!pattern || pattern.test(c)),
  );
  return fitted[0] ?? 'fuzz'.padEnd(min, 'z');
}

/**
 * A value the schema accepts: known values by field name first (ids of existing objects), then enum,
 * const, the lower bounds. Objects get their required properties only.
 */
export function validSample(schema: JsonSchema, resolve: Resolve, known: KnownValues, name = ''): unknown {
  const s = resolve(schema);
  if (name in known.byName) return known.byName[name];
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[0];
  const branches = s.oneOf ?? s.anyOf;
  if (branches && branches.length > 0) {
    const nonNull = branches.find((b) => !acceptedTypes(b, resolve).has('null') || branches.length === 1);
    return validSample(nonNull ?? (branches[0] as JsonSchema), resolve, known, name);
  }
  const type = typesOf(s).find((t) => t !== 'null') ?? (s.properties ? 'object' : 'string');
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? [])
        out[key] = validSample(s.properties?.[key] ?? {}, resolve, known, key);
      return out;
    }
    case 'array': {
      const count = s.minItems ?? 0;
      return Array.from({ length: count }, () => validSample(s.items ?? {}, resolve, known, name));
    }
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum === undefined ? 1 : s.exclusiveMinimum + 1);
    case 'boolean':
      return false;
    default:
      return sampleString(s, name, known);
  }
}
