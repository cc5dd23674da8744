import { readFileSync } from 'node:fs';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startApi, type TestApi } from './helpers';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const reference = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

/** `GET /v1/monitors/{}`: parameter names differ between the two (`:token` is `{id}` in OpenAPI). */
const route = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/:[A-Za-z]+|\{[A-Za-z]+\}/g, '{}')}`;

/** The routes the reference names in code spans: `GET /v1/x`, `PATCH/DELETE /v1/x`, `POST|GET /v1/x`. */
function routesIn(markdown: string): string[] {
  const pattern = new RegExp(
    `\`((?:${METHODS.join('|')})(?:[/|](?:${METHODS.join('|')}))*) (/v1/[^\\s\`?]*)`,
    'g',
  );
  return [...markdown.matchAll(pattern)].flatMap(([, methods = '', path = '']) =>
    methods.split(/[/|]/).map((method) => route(method, path)),
  );
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/api.md has no "${heading}"`);
  const end = markdown.indexOf('\n## ', start + heading.length + 2);
  return markdown.slice(start, end < 0 ? undefined : end);
}

const sorted = (routes: Iterable<string>) => [...new Set(routes)].sort();

let testDb: TestDatabase;
let api: TestApi;
let served: string[];

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  const document: { paths: Record<string, Record<string, unknown>> } = (
    await api.app.inject({ method: 'GET', url: '/openapi.json' })
  ).json();
  served = sorted(
    Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => route(method, path)),
    ),
  );
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('docs/api.md and the OpenAPI document the API serves', () => {
  const index = sorted(routesIn(section(reference, '## Route index')));

  it('list the same routes: none served without a line in the index, none indexed but not served', () => {
    expect(served.length).toBeGreaterThan(40);
    expect(served.filter((r) => !index.includes(r))).toEqual([]);
    expect(index.filter((r) => !served.includes(r))).toEqual([]);
  });

  it('name no route in the text that the index lacks', () => {
    expect(sorted(routesIn(reference)).filter((r) => !index.includes(r))).toEqual([]);
  });
});
