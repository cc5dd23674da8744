import { changeActions, desiredResourcesSchema, resourceKinds } from '@sentinelmesh/core';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { principalOf } from '../plugins/auth';
import { tenantOf } from '../plugins/tenant';
import { screenChannelTargets } from '../services/channel-targets';
import { applyResources } from '../services/managed/apply';

const tags = ['monitoring-as-code'];

/** A whole file's resources: far more than one monitor's body. */
const APPLY_BODY_LIMIT = 16 * 1024 * 1024;

const planBody = z.strictObject({
  resources: desiredResourcesSchema.describe(
    "a sentinelmesh.yaml's resources with its environment variable references replaced by their values",
  ),
  prune: z
    .boolean()
    .default(false)
    .describe(
      'also delete managed resources (those an apply made or adopted) that `resources` no longer has',
    ),
});

const applyBody = planBody.extend({
  expectedRevision: z
    .string()
    .max(64)
    .optional()
    .describe("a plan's `revision`: the apply is refused (409) if anything changed since"),
});

const fieldChange = z.object({
  field: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  secret: z.boolean().optional().describe('a secret changed: its values are never shown'),
});

const planResponse = z.object({
  revision: z
    .string()
    .describe('a fingerprint of the resources compared; after an apply, of the state it left'),
  applied: z.boolean().describe('false for a plan, and for an apply that had nothing to change'),
  changes: z.array(
    z.object({
      kind: z.enum(resourceKinds),
      key: z.string(),
      action: z
        .enum(changeActions)
        .describe('`adopt`: a resource without a key and with the same name takes this key (and may change)'),
      id: z.string().nullable().describe('null for a resource still to create'),
      name: z.string(),
      fields: z.array(fieldChange),
    }),
  ),
  unchanged: z.number().int().describe('entries that already match'),
});

/**
 * Monitoring as code (docs/monitoring-as-code.md): the CLI's plan and apply. Both need `member`: a plan
 * compares secrets, so it must not answer anyone who could not set them.
 */
export const managedRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const write = app.requireRole('member');

  /** Channel URLs are screened (DNS) before the transaction opens, as POST /v1/channels does. */
  const openAfterScreening = async (
    request: FastifyRequest,
    channels: Array<{ type: string; config: object }>,
  ) => {
    for (const channel of channels) {
      (await screenChannelTargets(channel.config as Record<string, unknown>, ctx.config))(
        channel.type as never,
      );
    }
    const principal = principalOf(request);
    return app.openTenant(request, principal.orgId, principal);
  };
  const options = {
    onRequest: write,
    config: { tenantTransaction: false },
    bodyLimit: APPLY_BODY_LIMIT,
  } as const;

  app.post(
    '/managed/plan',
    {
      ...options,
      schema: {
        tags,
        summary: "What applying a file's resources would change (nothing is written)",
        body: planBody,
        response: { 200: planResponse },
      },
    },
    async (request) => {
      await openAfterScreening(request, request.body.resources.channels);
      return applyResources(tenantOf(request), { ...request.body, dryRun: true });
    },
  );

  app.post(
    '/managed/apply',
    {
      ...options,
      schema: {
        tags,
        summary: "Create, update and (with prune) delete resources to match a file's, in one transaction",
        body: applyBody,
        response: { 200: planResponse },
      },
    },
    async (request) => {
      await openAfterScreening(request, request.body.resources.channels);
      return applyResources(tenantOf(request), { ...request.body, dryRun: false });
    },
  );
};
