import { type JsonSchema, type Resolve, resolver } from './schema';

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

/** One operation of the document, with everything a generator needs and no more. */
export interface Operation {
  method: string;
  /** The templated path, `/v1/monitors/{id}`. */
  path: string;
  label: string;
  isPublic: boolean;
  parameters: Parameter[];
  /** One entry per variant of a `oneOf` body (each type of monitor or channel); empty without a body. */
  bodies: JsonSchema[];
  bodyRequired: boolean;
}

/** A place in a JSON body: the keys from the root and the schema found at each of them. */
export interface BodyField {
  variant: number;
  steps: Array<{ key: string | number; schema: JsonSchema }>;
  required: boolean;
  /** `additionalProperties: false`, so an unknown key beside this field's own must be refused. */
  closedParent: boolean;
}

interface RawOperation {
  parameters?: Parameter[];
  security?: unknown[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of an OpenAPI 3.1 document, with `$ref`s resolved. */
export function operationsOf(document: {
  paths: Record<string, Record<string, RawOperation>>;
  security?: unknown[];
}): { operations: Operation[]; resolve: Resolve } {
  const resolve = resolver(document);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const shared = (item as { parameters?: Parameter[] }).parameters ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const security = op.security ?? document.security ?? [];
      const params = [...shared, ...(op.parameters ?? [])].map((p) => resolve(p as JsonSchema) as Parameter);
      const json = op.requestBody?.content?.['application/json']?.schema;
      const root = json ? resolve(json) : undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        label: `${method.toUpperCase()} ${path}`,
        isPublic: security.length === 0,
        parameters: params,
        bodies: root ? (root.oneOf ?? root.anyOf ?? [root]).map((b) => resolve(b)) : [],
        bodyRequired: op.requestBody?.required === true,
      });
    }
  }
  return { operations, resolve };
}

const MAX_DEPTH = 6;

/**
 * Every field of a body schema, nested ones included: object properties, the values of records
 * (`additionalProperties`), the first item of arrays, and each object branch of an `anyOf`.
 */
export function bodyFields(root: JsonSchema, variant: number, resolve: Resolve): BodyField[] {
  const out: BodyField[] = [];
  const walk = (schema: JsonSchema, steps: BodyField['steps']) => {
    if (steps.length > MAX_DEPTH) return;
    const s = resolve(schema);
    for (const branch of s.anyOf ?? s.oneOf ?? []) {
      const b = resolve(branch);
      if (b.properties || b.items) walk(b, steps);
    }
    const closed = s.additionalProperties === false;
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      const next = [...steps, { key, schema: resolve(child) }];
      out.push({ variant, steps: next, required: (s.required ?? []).includes(key), closedParent: closed });
      walk(child, next);
    }
    if (typeof s.additionalProperties === 'object') {
      const next = [...steps, { key: 'x-fuzz-key', schema: resolve(s.additionalProperties) }];
      out.push({ variant, steps: next, required: false, closedParent: false });
      walk(s.additionalProperties, next);
    }
    if (s.items) {
      const next = [...steps, { key: 0, schema: resolve(s.items) }];
      out.push({ variant, steps: next, required: false, closedParent: false });
      walk(s.items, next);
    }
  };
  walk(root, []);
  return out;
}

/** `config.to.0` for a field, `body` for the root. */
export const fieldName = (field: Pick<BodyField, 'steps'>) =>
  field.steps.map((s) => String(s.key)).join('.') || 'body';
