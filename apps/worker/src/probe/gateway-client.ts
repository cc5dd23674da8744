import { type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import type { z } from 'zod';
import {
  type ProbeStats,
  pollAnswerSchema,
  type ResultsAnswer,
  resultsAnswerSchema,
  type Session,
  sessionSchema,
  type WireResult,
} from './wire';

/** The gateway refused the token (unknown or revoked): nothing the probe does will change that. */
export class TokenRefusedError extends Error {
  constructor(readonly detail: string) {
    super(`the gateway refused the probe token: ${detail}`);
  }
}

/** The gateway answered with an error or something the probe cannot read. */
export class GatewayError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or null when no answer came (network, timeout). */
    readonly status: number | null,
  ) {
    super(message);
  }

  /** Worth trying again later: no answer, a server error, or too many requests. */
  get transient(): boolean {
    return this.status === null || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

export interface GatewayClientOptions {
  gateway: URL;
  token: string;
  userAgent: string;
  /** Default: undici's EnvHttpProxyAgent, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY. */
  dispatcher?: Dispatcher;
}

/** The longest a plain request (session, results) may take before it counts as failed. */
const REQUEST_TIMEOUT_MS = 30_000;
/** What a long poll may take beyond the wait the gateway announced. */
const POLL_GRACE_MS = 15_000;

/** Reads a problem document's `detail` (or `title`) for a log line; anything else is cut short. */
function describeProblem(text: string): string {
  try {
    const problem = JSON.parse(text) as { detail?: unknown; title?: unknown };
    const said = problem.detail ?? problem.title;
    if (typeof said === 'string') return said.slice(0, 300);
  } catch {
    // not a problem document
  }
  return text.slice(0, 120);
}

/**
 * The probe's only outward connection: HTTPS (plain HTTP is accepted for loopback gateways only)
 * through the proxies the environment names. Every answer is parsed with its schema.
 */
export function createGatewayClient(options: GatewayClientOptions) {
  const dispatcher = options.dispatcher ?? new EnvHttpProxyAgent({ connections: 8 });
  const base = new URL(
    options.gateway.href.endsWith('/') ? options.gateway.href : `${options.gateway.href}/`,
  );
  const headers = {
    authorization: `Bearer ${options.token}`,
    'user-agent': options.userAgent,
    accept: 'application/json, application/problem+json',
  };

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    route: string,
    schema: S,
    body: unknown,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    let status: number;
    let text: string;
    try {
      const answer = await request(new URL(route, base), {
        method,
        dispatcher,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(signal ? { signal } : {}),
      });
      status = answer.statusCode;
      text = await answer.body.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new GatewayError(
        `${method} ${route}: ${error instanceof Error ? error.message : String(error)}`,
        null,
      );
    }
    if (status === 401) throw new TokenRefusedError(describeProblem(text));
    if (status < 200 || status > 299)
      throw new GatewayError(`${method} ${route} answered ${status}: ${describeProblem(text)}`, status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GatewayError(`${method} ${route} answered ${status} with no JSON`, status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatewayError(
        `${method} ${route} answered ${status} with an unexpected body (${issue?.path.join('.')}: ${issue?.message})`,
        status,
      );
    }
    return parsed.data;
  }

  return {
    session: (): Promise<Session> =>
      call('GET', 'v1/probe/session', sessionSchema, undefined, REQUEST_TIMEOUT_MS),
    /** Waits up to `waitMs` (the session's pollWaitMs) for due slots. */
    poll: (version: string, stats: ProbeStats, waitMs: number, signal?: AbortSignal) =>
      call('POST', 'v1/probe/poll', pollAnswerSchema, { version, stats }, waitMs + POLL_GRACE_MS, signal),
    postResults: (results: WireResult[]): Promise<ResultsAnswer> =>
      call('POST', 'v1/probe/results', resultsAnswerSchema, { results }, REQUEST_TIMEOUT_MS),
    close: () => dispatcher.close(),
  };
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;
