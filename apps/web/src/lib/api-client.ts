import type { FieldProblem } from '@sentinelmesh/core';
import { z } from 'zod';

/** Same-origin prefix that next.config.ts rewrites to the API. */
export const API_PREFIX = '/api';

const PROBLEM_TYPE_PREFIX = 'urn:sentinelmesh:problem:';

const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** A problem+json answer from the API (RFC 9457), with its per-field `errors[]`. */
export class ApiError extends Error {
  readonly code: string;

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: FieldProblem[] = [],
    type = '',
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.code = type.startsWith(PROBLEM_TYPE_PREFIX) ? type.slice(PROBLEM_TYPE_PREFIX.length) : 'unknown';
  }
}

/** The API could not be reached at all (network down, API process stopped, proxy gateway error). */
export class ApiUnreachableError extends Error {
  constructor(cause?: unknown) {
    super('The SentinelMesh API cannot be reached', { cause });
    this.name = 'ApiUnreachableError';
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type QueryParams = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  /** Origin to prefix; empty in the browser (same origin), a test server's URL in tests. */
  baseUrl?: string;
  method?: HttpMethod;
  body?: unknown;
  query?: QueryParams;
  token?: string | null;
  signal?: AbortSignal;
  /** `blob` for the few answers that are not JSON (a screenshot). */
  as?: 'json' | 'blob';
}

export function buildUrl(path: string, query?: QueryParams, baseUrl = ''): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${baseUrl}${API_PREFIX}${path}${search ? `?${search}` : ''}`;
}

/** One call to the API: JSON in and out, problem+json turned into ApiError, network failure into ApiUnreachableError. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query, options.baseUrl), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiUnreachableError(error);
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    if (options.as === 'blob') return (await response.blob()) as T;
    return (await response.json()) as T;
  }
  throw await toError(response);
}

async function toError(response: Response): Promise<Error> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('json')) {
    // Only the dashboard's own proxy answers without JSON: the API behind it is down or unreachable.
    if (response.status >= 500) return new ApiUnreachableError(`HTTP ${response.status}`);
    return new ApiError(response.status, response.statusText || `HTTP ${response.status}`, undefined);
  }
  const parsed = problemSchema.safeParse(await response.json().catch(() => null));
  const problem = parsed.success ? parsed.data : {};
  return new ApiError(
    response.status,
    problem.title ?? (response.statusText || `HTTP ${response.status}`),
    problem.detail,
    problem.errors ?? [],
    problem.type,
    retryAfter(response.headers.get('retry-after')),
  );
}

function retryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** A sentence for a banner: what went wrong, in words a user can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ApiUnreachableError) {
    return 'Cannot reach the SentinelMesh API. Check that it is running; the dashboard keeps retrying.';
  }
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfterSeconds === null ? '' : ` Try again in ${error.retryAfterSeconds} s.`;
      return `Too many requests.${wait}`;
    }
    return error.message;
  }
  return 'Something went wrong. Reload the page to try again.';
}
