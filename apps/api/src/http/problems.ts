import { DomainError, type DomainErrorCode, type FieldProblem } from '@sentinelmesh/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  type ZodFastifySchemaValidationError,
} from 'fastify-type-provider-zod';
import { retryAfterOf, statusOverrideOf } from '../limits/errors';

export type ProblemCode = DomainErrorCode | 'internal';

/** RFC 9457 problem details, as docs/api.md describes them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldProblem[];
}

const statuses: Record<ProblemCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  quota_exceeded: 409,
  invalid_token: 400,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const titles: Record<ProblemCode, string> = {
  validation: 'Invalid request',
  unauthenticated: 'Unauthenticated',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  too_large: 'Request too large',
  quota_exceeded: 'Quota exceeded',
  invalid_token: 'Invalid or expired token',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal server error',
};

export function problem(
  code: ProblemCode,
  detail: string,
  errors: FieldProblem[] = [],
  status?: number,
): Problem {
  return {
    type: `urn:sentinelmesh:problem:${code}`,
    title: titles[code],
    status: status ?? statuses[code],
    detail,
    errors,
  };
}

/** Turns `/assertions/0/value` into `assertions.0.value`; unknown keys each become their own entry. */
function fieldProblems(issues: ZodFastifySchemaValidationError[]): FieldProblem[] {
  return issues.flatMap((issue) => {
    const base = issue.instancePath.split('/').filter(Boolean);
    const keys = (issue.params as { keys?: unknown }).keys;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      return keys.map((key) => ({ path: [...base, String(key)].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.'), message: issue.message ?? 'invalid value' }];
  });
}

function codeForStatus(status: number): ProblemCode {
  const entry = Object.entries(statuses).find(([code, s]) => s === status && code !== 'quota_exceeded');
  return (entry?.[0] as ProblemCode | undefined) ?? 'validation';
}

const describeBytes = (bytes: number) =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;

/** Maps anything a handler or Fastify throws to the problem the client sees; unknown errors become a bare 500. */
export function toProblem(error: unknown, bodyLimitBytes = 256 * 1024): Problem {
  if (error instanceof DomainError) {
    return problem(error.code, error.message, error.errors, statusOverrideOf(error));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'request';
    return problem('validation', `the ${where} is invalid`, fieldProblems(error.validation));
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  // Fastify's and its plugins' own client errors (bad JSON, too large, wrong media type, bad token) carry safe messages.
  if (
    typeof fastifyError.code === 'string' &&
    fastifyError.code.startsWith('FST_') &&
    status &&
    status < 500
  ) {
    // The router's own refusals name the whole URL, which may be huge; these say what is wrong instead.
    if (fastifyError.code === 'FST_ERR_BAD_URL')
      return problem('validation', 'the URL path is not valid percent-encoded UTF-8');
    // Ids in paths are opaque: one longer than any of ours names nothing, as requireId says of others.
    if (fastifyError.code === 'FST_ERR_MAX_PARAM_LENGTH') return problem('not_found', 'not found');
    if (status === 415) return problem('validation', 'send the body as application/json', [], 415);
    if (status === 413) {
      return problem(
        'too_large',
        `the request body is larger than the limit of ${describeBytes(bodyLimitBytes)}`,
      );
    }
    return problem(codeForStatus(status), fastifyError.message ?? titles.validation, [], status);
  }
  return problem('internal', 'something went wrong on our side; the error has been logged');
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

/**
 * Fastify's `frameworkErrors` option: what the router refuses before any route runs (a URL that is not
 * valid percent-encoding, an over-long path parameter) answered as problems like everything else.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const body = toProblem(error);
  request.log.debug({ code: body.type, status: body.status }, 'request rejected by the router');
  // No route ran, so neither did the hooks that set this header on every other answer.
  return sendProblem(reply.header('x-request-id', request.id), body);
}

/** One error handler and one not-found handler for the whole API. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    // Routes with a limit of their own (the probe gateway's) name it.
    const body = toProblem(error, request.routeOptions.bodyLimit);
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== null) reply.header('retry-after', String(retryAfter));
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ code: body.type, status: body.status }, 'request rejected');
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return sendProblem(reply, problem('not_found', `no route ${request.method} ${path}`));
  });
}
