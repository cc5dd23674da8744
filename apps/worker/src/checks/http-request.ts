import { performance } from 'node:perf_hooks';
import { type CheckError, type CheckPhases, type HttpMethod, isSecretHeader } from '@sentinelmesh/core';
import { readBounded } from '@sentinelmesh/platform';
import { Client, type Dispatcher, request as undiciRequest } from 'undici';
import { ConnectionTimings } from './connection-timings';
import type { CheckContext } from './context';
import { classifyError, type Measured } from './outcome';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding']);

/** One HTTP request a check makes. */
export interface HttpRequest {
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | null;
  followRedirects: boolean;
  timeoutMs: number;
}

/** A response, read whole (up to the body bound), with its timings. */
export interface HttpAnswer {
  measured: Measured & { statusCode: number };
  headers: Record<string, string>;
  body: string;
}

/** What sending a request came to: an answer, or why there is none (with what was measured). */
export type HttpExchange = { answer: HttpAnswer } | { error: CheckError; measured: Measured };

interface Hop {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | null;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const has = (headers: Record<string, string>, name: string) =>
  Object.keys(headers).some((key) => key.toLowerCase() === name);

/**
 * The monitor's headers, with our User-Agent unless it sets its own, and Basic credentials from the
 * URL's user info unless it sets its own Authorization (the HTTP client ignores user info).
 */
function requestHeaders(request: HttpRequest, url: URL, userAgent: string): Record<string, string> {
  const headers = { ...request.headers };
  if (!has(headers, 'user-agent')) headers['user-agent'] = userAgent;
  if ((url.username || url.password) && !has(headers, 'authorization')) {
    const credentials = `${decoded(url.username)}:${decoded(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return headers;
}

function without(headers: Record<string, string>, drop: (name: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop(name)));
}

const isBodyHeader = (name: string) => BODY_HEADERS.has(name.toLowerCase());

/** The request a redirect asks for, as browsers do it; null when the location is unusable. */
function nextHop(current: Hop, status: number, location: string): Hop | null {
  let url: URL;
  try {
    url = new URL(location, current.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // Secret headers the monitor set for one origin (credentials, API keys) are not handed to another.
  let headers =
    url.origin === current.url.origin ? current.headers : without(current.headers, isSecretHeader);
  let { method, body } = current;
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = null;
    headers = without(headers, isBodyHeader);
  }
  return { url, method, headers, body };
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * Sends one request as checks do: redirects followed hop by hop when asked (at most 5), every
 * connection through the target guard, everything bounded by `timeoutMs` and the body by
 * `maxBodyBytes` (1 MiB). Phases are those of the final hop. Never throws.
 */
export async function sendHttpRequest(
  request: HttpRequest,
  ctx: Pick<CheckContext, 'allowPrivateTargets' | 'userAgent'>,
  maxBodyBytes = MAX_BODY_BYTES,
): Promise<HttpExchange> {
  const timings = new ConnectionTimings(ctx.allowPrivateTargets);
  // One Client per origin for this request alone (no Agent or Pool: they double the cost of a check).
  const clients = new Map<string, Client>();
  const clientFor = (url: URL) => {
    let client = clients.get(url.origin);
    if (!client) {
      client = new Client(url.origin, { connect: timings.connector(), pipelining: 1 });
      clients.set(url.origin, client);
    }
    return client;
  };
  const { timeoutMs } = request;
  const signal = AbortSignal.timeout(timeoutMs);
  let drained = false;
  const started = performance.now();
  const measured = (): Measured => {
    const { dnsMs, connectMs, tlsMs, certExpiresAt } = timings;
    const phases: CheckPhases = { dnsMs, connectMs, tlsMs, ttfbMs: null, transferMs: null };
    return { statusCode: null, latencyMs: performance.now() - started, phases, certExpiresAt };
  };
  try {
    const url = new URL(request.url);
    const headers = requestHeaders(request, url, ctx.userAgent);
    url.username = '';
    url.password = '';
    let hop: Hop = { url, method: request.method, headers, body: request.body };
    for (let redirects = 0; ; redirects++) {
      const hopStarted = performance.now();
      const response = await undiciRequest(hop.url, {
        method: hop.method,
        headers: hop.headers,
        body: hop.body,
        signal,
        dispatcher: clientFor(hop.url),
        // Every check opens its own connection; say so, so the server closes it at once.
        reset: true,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const headersAt = performance.now();
      // Time to first byte counts from when the request could go out, not the connection set-up.
      const requestFrom = Math.max(hopStarted, timings.readyAt ?? hopStarted);
      const ttfbMs = headersAt - requestFrom;
      const location = response.headers.location;
      if (request.followRedirects && REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        const next = redirects < MAX_REDIRECTS ? nextHop(hop, response.statusCode, location) : null;
        if (next) {
          hop = next;
          continue;
        }
        const message =
          redirects < MAX_REDIRECTS
            ? `HTTP ${response.statusCode} redirect to an unusable location`
            : `more than ${MAX_REDIRECTS} redirects`;
        return {
          error: { kind: 'http_status', message },
          measured: { ...measured(), statusCode: response.statusCode },
        };
      }
      const { bytes, complete } =
        hop.method === 'HEAD'
          ? { bytes: Buffer.alloc(0), complete: true }
          : await readBounded(response.body, maxBodyBytes);
      // Clients of redirect hops may hold half-read bodies: only a single clean exchange closes quietly.
      drained = complete && redirects === 0;
      const answered = { ...measured(), statusCode: response.statusCode };
      answered.phases.ttfbMs = ttfbMs;
      answered.phases.transferMs = performance.now() - headersAt;
      return {
        answer: {
          measured: answered,
          headers: flattenHeaders(response.headers),
          body: bytes.toString('utf8'),
        },
      };
    }
  } catch (error) {
    return { error: classifyError(error, { timeoutMs }), measured: measured() };
  } finally {
    // A finished exchange closes quietly; destroying builds an error (and its stack) per connection,
    // which cost a quarter of the check path. Anything cut short is destroyed.
    for (const client of clients.values())
      (drained ? client.close() : client.destroy()).catch(() => undefined);
  }
}
