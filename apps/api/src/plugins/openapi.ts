import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { problemSchema } from '../schemas/common';
import { docsThemeCss } from './docs-theme';
import { addRouteExamples } from './openapi-examples';

const problem = (description: string) => problemSchema.describe(description);

/** The problems any authenticated route can answer; public routes leave out 401/403. */
const commonProblems = {
  400: problem('Invalid request (problem+json)'),
  429: problem('Rate limited; see Retry-After (problem+json)'),
  500: problem('Internal error (problem+json)'),
};
const authProblems = {
  401: problem('Missing, invalid, expired or revoked credential (problem+json)'),
  403: problem('Role too low (problem+json)'),
};

const words = (segment: string) => segment.replaceAll('-', ' ');
const singular = (segment: string) => words(segment).replace(/ies$/, 'y').replace(/s$/, '');
const capital = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** "List monitors", "Get monitor", "Acknowledge incident": a summary for routes that give none. */
export function summaryFor(method: string, url: string): string {
  const parts = url.replace(/^\/v1\//, '').split('/');
  const last = parts[parts.length - 1] ?? '';
  const first = parts[0] ?? '';
  if (last.startsWith(':')) {
    const verb = { GET: 'Get', PATCH: 'Update', DELETE: 'Delete', PUT: 'Replace', POST: 'Send to' }[method];
    return `${verb ?? method} ${singular(parts[parts.length - 2] ?? first)}`;
  }
  if (method === 'GET')
    return parts.length === 1 ? `List ${words(last)}` : `Get ${words(last)} of ${singular(first)}`;
  if (method === 'POST')
    return parts.length === 1 ? `Create ${singular(last)}` : `${capital(words(last))} ${singular(first)}`;
  return `${method} ${url}`;
}

/** "Create API key" → "createApiKey". */
export const operationIdOf = (summary: string) =>
  summary
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((word, i) =>
      i === 0 ? word.toLowerCase() : `${word.charAt(0).toUpperCase()}${word.slice(1).toLowerCase()}`,
    )
    .join('');

/**
 * Completes each operation of the document: the problem responses every route can give, listed next
 * to the success ones, and a summary when the route has none.
 */
export function addProblemResponses(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean }) | undefined;
  if (!schema || schema.hide) return;
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
  // Fastify adds a HEAD twin of each GET route sharing its schema; the GET registration fills it in.
  if (methods.length === 1 && methods[0] === 'HEAD') return;
  const method = methods[0] ?? 'GET';
  if (typeof schema.summary !== 'string') {
    schema.summary =
      methods.length > 1
        ? `${methods.join(' or ')} ${singular(route.url.split('/')[2] ?? '')}`
        : summaryFor(method, route.url);
  }
  // One schema serves every method of a route, so only single-method routes get an operationId.
  if (typeof schema.operationId !== 'string' && methods.length === 1)
    schema.operationId = operationIdOf(schema.summary as string);
  const isPublic = Array.isArray(schema.security) && schema.security.length === 0;
  const withId = /:[A-Za-z]+/.test(route.url);
  const writes = route.method !== 'GET' && route.method !== 'HEAD';
  // These limits fail closed: with Redis down they answer 503 rather than skip the check.
  const failsClosed = route.url.startsWith('/v1/auth/') || route.url.endsWith('/channels/:id/test');
  schema.response = {
    ...commonProblems,
    ...(isPublic ? {} : authProblems),
    ...(withId ? { 404: problem('Not found, or another organization’s (problem+json)') } : {}),
    ...(writes ? { 409: problem('Conflict or quota exceeded (problem+json)') } : {}),
    ...(writes ? { 413: problem('Body larger than the limit (problem+json)') } : {}),
    ...(failsClosed
      ? { 503: problem('Its rate limits cannot be checked right now; see Retry-After (problem+json)') }
      : {}),
    ...(schema.response as Record<string, unknown> | undefined),
  };
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, and /docs. */
export const openapiPlugin = fp<{ version: string }>(
  async (app, { version }) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'SentinelMesh API',
          version,
          description:
            'Uptime monitoring: monitors, check results, statistics, incidents, alert channels, status pages.',
          license: { name: 'MIT', identifier: 'MIT' },
        },
        // Relative: the document describes whichever deployment serves it.
        servers: [{ url: '/', description: 'this deployment' }],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'An access token from login/signup, or an API key (sm_…)',
            },
            probeToken: {
              type: 'http',
              scheme: 'bearer',
              description: 'A probe token (smp_…): the probe gateway routes take it and nothing else',
            },
          },
        },
        security: [{ bearerAuth: [] }],
        tags: [
          { name: 'auth', description: 'Sign up, log in, sessions' },
          { name: 'members', description: 'People in the organization and their roles' },
          { name: 'api-keys', description: 'Keys for scripts and CI' },
          { name: 'monitors', description: 'Monitors, check results and statistics' },
          { name: 'incidents', description: 'Incidents' },
          { name: 'alerts', description: 'Alert delivery log' },
          { name: 'channels', description: 'Where alerts go' },
          { name: 'maintenance', description: 'Maintenance windows' },
          { name: 'on-call', description: 'On-call rotations and their overrides' },
          { name: 'heartbeats', description: 'Heartbeat (push) monitors' },
          { name: 'status-pages', description: 'Public status pages' },
          { name: 'usage', description: "The organization's quotas and its usage of them" },
          { name: 'regions', description: 'Regions the monitors use, and whether each is reporting' },
          {
            name: 'locations',
            description: 'Private locations, their probes, and the probes the monitors use',
          },
          { name: 'probe-gateway', description: 'What remote probes call, with a probe token' },
        ],
      },
      transform: (input) => {
        const output = jsonSchemaTransform(input);
        addRouteExamples(output.schema as Record<string, unknown>);
        return output;
      },
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // Local deployments serve plain http; upgrading would break the page's own assets there.
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
      // The page reads the same document as /openapi.json.
      transformSpecificationClone: true,
      theme: { css: [{ filename: 'contrast.css', content: docsThemeCss }] },
      // No top bar (an unlabelled URL box and logo) and no links nested in the operations' buttons:
      // both fail accessibility checks, and the page documents one document only.
      uiConfig: { layout: 'BaseLayout', deepLinking: false },
    });
  },
  { name: 'openapi' },
);
