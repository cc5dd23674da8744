import type { TestDatabase } from '@sentinelmesh/db/testing';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startApi, type TestApi } from './helpers';

type Json = Record<string, unknown>;

let testDb: TestDatabase;
let api: TestApi;
let document: { paths: Record<string, Record<string, Json>> };

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

interface Example {
  where: string;
  schema: Json;
  value: unknown;
}

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every example in the document with the schema it illustrates: in schemas, parameters and media types. */
function examplesIn(node: unknown, where: string, found: Example[] = []): Example[] {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      examplesIn(child, `${where}/${i}`, found);
    });
    return found;
  }
  if (!isObject(node)) return found;
  // A media type or a parameter: { schema, example }.
  if (isObject(node.schema) && 'example' in node)
    found.push({ where: `${where}/example`, schema: node.schema, value: node.example });
  // A schema: `examples` (JSON Schema 2020-12) or OpenAPI's `example`.
  if (!isObject(node.schema)) {
    if (Array.isArray(node.examples))
      node.examples.forEach((value, i) => {
        found.push({ where: `${where}/examples/${i}`, schema: node, value });
      });
    if ('example' in node && ('type' in node || 'anyOf' in node || 'oneOf' in node))
      found.push({ where: `${where}/example`, schema: node, value: node.example });
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'examples' || key === 'example') continue;
    examplesIn(child, `${where}/${key}`, found);
  }
  return found;
}

/** Numbers in an example that look like a bound standing in for "any number", not a value. */
function sentinels(value: unknown): number[] {
  if (typeof value === 'number') return Math.abs(value) >= 2 ** 32 ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(sentinels);
  if (isObject(value)) return Object.values(value).flatMap(sentinels);
  return [];
}

describe('the examples of the OpenAPI document', () => {
  it('validate against the schema each one illustrates, and none is a safe-integer sentinel', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const examples = examplesIn(document.paths, '#/paths');
    expect(examples.length).toBeGreaterThan(200);
    const invalid: string[] = [];
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    for (const { where, schema, value } of examples) {
      const key = JSON.stringify(schema);
      const validate = validators.get(key) ?? ajv.compile(schema);
      validators.set(key, validate);
      if (!validate(value))
        invalid.push(`${where}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(value)}`);
      for (const n of sentinels(value)) invalid.push(`${where}: ${n} is not a real value`);
    }
    expect(invalid).toEqual([]);
  }, 60_000);

  it('give every JSON request body and every JSON response with content an example of the whole', () => {
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const bodies: [string, unknown][] = [
          ['request', (operation.requestBody as Json | undefined)?.content],
        ];
        for (const [code, response] of Object.entries((operation.responses ?? {}) as Record<string, Json>))
          bodies.push([code, response.content]);
        for (const [which, content] of bodies) {
          const media = isObject(content) ? content['application/json'] : undefined;
          if (!isObject(media) || !isObject(media.schema)) continue;
          if (media.schema.type === 'null') continue;
          if (!('example' in media)) missing.push(`${method} ${path} ${which}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('show a problem with the status code it is listed under', () => {
    const monitors = document.paths['/v1/monitors/{id}']?.get as Json;
    const responses = monitors.responses as Record<string, { content: Record<string, { example: Json }> }>;
    const notFound = responses['404']?.content['application/json']?.example;
    expect(notFound).toMatchObject({ status: 404, title: 'Not Found' });
    const ok = responses['200']?.content['application/json']?.example as Json;
    expect(ok.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.name).toBe('Checkout API');
  });
});
