import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/**
 * Security headers on every response, and CORS for the dashboard's origin only. The API serves JSON,
 * so its content security policy forbids everything; /docs loosens it for its own page (swagger-ui).
 */
export const securityPlugin = fp<{ dashboardOrigin: string }>(
  async (app, { dashboardOrigin }) => {
    await app.register(fastifyHelmet, {
      global: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
      },
      crossOriginResourcePolicy: { policy: 'same-site' },
      hsts: { maxAge: 31_536_000, includeSubDomains: true },
    });
    await app.register(fastifyCors, {
      origin: [new URL(dashboardOrigin).origin],
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  },
  { name: 'security' },
);
