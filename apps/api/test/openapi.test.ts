import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startApi, type TestApi } from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let document: {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
};

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

// Routes of the contract (docs/api.md) checked here one by one; api-doc.test.ts compares the whole list.
const contract = [
  'post /v1/auth/signup',
  'post /v1/auth/login',
  'post /v1/auth/refresh',
  'post /v1/auth/logout',
  'post /v1/auth/verify-email',
  'post /v1/auth/verify-email/resend',
  'post /v1/auth/password-reset',
  'post /v1/auth/password-reset/confirm',
  'post /v1/auth/password',
  'post /v1/auth/logout-all',
  'get /v1/me',
  'get /v1/members',
  'post /v1/members',
  'patch /v1/members/{userId}',
  'delete /v1/members/{userId}',
  'get /v1/invitations',
  'delete /v1/invitations/{id}',
  'get /v1/invitations/{id}',
  'post /v1/invitations/{token}/accept',
  'post /v1/api-keys',
  'get /v1/api-keys',
  'delete /v1/api-keys/{id}',
  'post /v1/monitors',
  'get /v1/monitors',
  'get /v1/monitors/{id}',
  'patch /v1/monitors/{id}',
  'delete /v1/monitors/{id}',
  'get /v1/monitors/{id}/results',
  'get /v1/monitors/{id}/stats',
  'get /v1/incidents',
  'get /v1/incidents/{id}',
  'post /v1/incidents/{id}/acknowledge',
  'get /v1/alerts',
  'post /v1/channels',
  'get /v1/channels',
  'patch /v1/channels/{id}',
  'delete /v1/channels/{id}',
  'post /v1/status-pages',
  'get /v1/status-pages',
  'get /v1/public/status-pages/{slug}',
];

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and describes every route of the contract', () => {
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    for (const route of contract) expect(operations).toContain(route);
  });

  it('lists the problem responses next to the success ones on every operation', () => {
    for (const [path, ops] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses);
        expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['400', '429', '500']));
        const isPublic = Array.isArray(op.security) && op.security.length === 0;
        if (!isPublic) expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403']));
        if (path.includes('{')) expect(codes, `${method} ${path}`).toContain('404');
      }
    }
  });

  // It also validates every example of the document against its schema: hundreds of them, which
  // takes tens of seconds on a loaded machine (a limit for a stuck linter, not a speed test).
  it('passes the Redocly linter (recommended rules) without errors', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: 'openapi.json',
      config,
    });
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  }, 180_000);

  it('serves a browsable reference at /docs', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger-ui');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const bundle = await api.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toContain('javascript');
    const spec = await api.app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.json().paths).toEqual(document.paths);
  });
});
