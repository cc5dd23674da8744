import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { cursorQuery, idParams, limitQuery, noContent, pageOf } from '../schemas/common';
import {
  createOverrideBody,
  createRotationBody,
  listRotationsQuery,
  overrideParams,
  overrideSchema,
  patchRotationBody,
  rotationSchema,
  scheduleQuery,
  scheduleSchema,
} from '../schemas/oncall-rotations';
import {
  createOverride,
  createRotation,
  deleteOverride,
  deleteRotation,
  getRotation,
  listOverrides,
  listRotations,
  rotationSchedule,
  updateRotation,
} from '../services/oncall-rotations';

const tags = ['on-call'];
const rotationId = (params: { id: string }) => requireId(params.id, 'rotation');

export const oncallRotationRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.post(
    '/oncall-rotations',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Create an on-call rotation',
        body: createRotationBody,
        response: { 201: rotationSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createRotation(tenantOf(request), request.body)),
  );

  app.get(
    '/oncall-rotations',
    {
      onRequest: read,
      schema: { tags, querystring: listRotationsQuery, response: { 200: pageOf(rotationSchema) } },
    },
    async (request) => listRotations(tenantOf(request), request.query),
  );

  app.get(
    '/oncall-rotations/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: rotationSchema } } },
    async (request) => getRotation(tenantOf(request), rotationId(request.params)),
  );

  app.patch(
    '/oncall-rotations/:id',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Change an on-call rotation',
        params: idParams,
        body: patchRotationBody,
        response: { 200: rotationSchema },
      },
    },
    async (request) =>
      updateRotation(tenantOf(request), { id: rotationId(request.params), patch: request.body }),
  );

  app.delete(
    '/oncall-rotations/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteRotation(tenantOf(request), rotationId(request.params));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/oncall-rotations/:id/schedule',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'Who is on call over a range',
        description:
          'The shifts of the rotation over `[from, to)`, overrides applied (the latest created wins where they overlap). The first shift may start before `from`.',
        params: idParams,
        querystring: scheduleQuery,
        response: { 200: scheduleSchema },
      },
    },
    async (request) =>
      rotationSchedule(tenantOf(request), { id: rotationId(request.params), ...request.query }),
  );

  app.post(
    '/oncall-rotations/:id/overrides',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Put someone on call instead',
        params: idParams,
        body: createOverrideBody,
        response: { 201: overrideSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await createOverride(tenantOf(request), {
          rotationId: rotationId(request.params),
          override: request.body,
        }),
      ),
  );

  app.get(
    '/oncall-rotations/:id/overrides',
    {
      onRequest: read,
      schema: {
        tags,
        params: idParams,
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: { 200: pageOf(overrideSchema) },
      },
    },
    async (request) =>
      listOverrides(tenantOf(request), { rotationId: rotationId(request.params), ...request.query }),
  );

  app.delete(
    '/oncall-rotations/:id/overrides/:overrideId',
    { onRequest: write, schema: { tags, params: overrideParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteOverride(tenantOf(request), {
        rotationId: rotationId(request.params),
        overrideId: requireId(request.params.overrideId, 'override'),
      });
      return reply.code(204).send(null);
    },
  );
};
