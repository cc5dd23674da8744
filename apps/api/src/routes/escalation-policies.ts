import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, noContent, pageOf } from '../schemas/common';
import {
  createEscalationPolicyBody,
  escalationPolicySchema,
  listEscalationPoliciesQuery,
  patchEscalationPolicyBody,
} from '../schemas/escalation-policies';
import {
  createEscalationPolicy,
  deleteEscalationPolicy,
  getEscalationPolicy,
  listEscalationPolicies,
  updateEscalationPolicy,
} from '../services/escalation-policies';

const tags = ['escalation-policies'];
const what = 'escalation policy';

/** Escalation policies: members change them (as channels), viewers read them. */
export const escalationPolicyRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.post(
    '/escalation-policies',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Create an escalation policy',
        body: createEscalationPolicyBody,
        response: { 201: escalationPolicySchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createEscalationPolicy(tenantOf(request), request.body)),
  );

  app.get(
    '/escalation-policies',
    {
      onRequest: read,
      schema: {
        tags,
        querystring: listEscalationPoliciesQuery,
        response: { 200: pageOf(escalationPolicySchema) },
      },
    },
    async (request) => listEscalationPolicies(tenantOf(request), request.query),
  );

  app.get(
    '/escalation-policies/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: escalationPolicySchema } } },
    async (request) => getEscalationPolicy(tenantOf(request), requireId(request.params.id, what)),
  );

  app.patch(
    '/escalation-policies/:id',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Change an escalation policy',
        description: 'Incidents already climbing it follow the new steps from their next step on.',
        params: idParams,
        body: patchEscalationPolicyBody,
        response: { 200: escalationPolicySchema },
      },
    },
    async (request) =>
      updateEscalationPolicy(tenantOf(request), requireId(request.params.id, what), request.body),
  );

  app.delete(
    '/escalation-policies/:id',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Delete an escalation policy no monitor uses',
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      await deleteEscalationPolicy(tenantOf(request), requireId(request.params.id, what));
      return reply.code(204).send(null);
    },
  );
};
