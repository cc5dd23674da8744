import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';

export const setupResponse = z.object({
  hasAccounts: z.boolean().describe('false on a fresh install: the dashboard opens on sign-up'),
});

/**
 * One bit for the dashboard's first screen: whether anyone has signed up yet. Nothing else about the
 * accounts is told. Once true it stays true, so it is remembered and costs no query afterwards.
 */
export const setupRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  let hasAccounts = false;
  app.get(
    '/setup',
    {
      schema: {
        security: [],
        tags: ['auth'],
        summary: 'Whether this deployment has any account yet',
        response: { 200: setupResponse },
      },
    },
    async (_request, reply) => {
      if (!hasAccounts) {
        const user = await ctx.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
        hasAccounts = user !== undefined;
      }
      return reply.header('cache-control', 'no-store').send({ hasAccounts });
    },
  );
};
