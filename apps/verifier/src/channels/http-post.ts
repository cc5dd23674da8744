import { isIP } from 'node:net';
import { readBounded } from '@sentinelmesh/platform';
import { Agent, request } from 'undici';
import type { DeliveryResult } from './adapter';
import { isPublicAddress, publicOnlyLookup } from './target-guard';

export interface HttpPostOptions {
  /** Deliver to private, loopback and link-local addresses (local deployments). */
  allowPrivateTargets: boolean;
  userAgent: string;
  timeoutMs?: number;
}

export interface PostResult extends DeliveryResult {
  /** The response body (first 4 KiB), for adapters whose receivers answer with details. */
  responseText: string | null;
  /** The answer's `Retry-After` header, as given, for adapters of receivers that rate-limit with it. */
  retryAfter?: string;
}

function errorCode(error: unknown): string | undefined {
  const own = error as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof own?.code === 'string') return own.code;
  if (own?.cause) return errorCode(own.cause);
  return typeof own?.name === 'string' ? own.name : undefined;
}

/** A short reason from codes only: messages may carry parts of the URL. */
function describe(error: unknown): { error: string; permanent: boolean } {
  const code = errorCode(error);
  if (code === 'EBLOCKEDTARGET') return { error: 'blocked target: non-public address', permanent: true };
  if (code === 'TimeoutError' || code === 'AbortError' || code?.endsWith('_TIMEOUT')) {
    return { error: 'timeout', permanent: false };
  }
  if (code === 'ECONNREFUSED') return { error: 'connection refused', permanent: false };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
    return { error: 'connection reset', permanent: false };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { error: 'DNS: host not found', permanent: false };
  return { error: `network error${code ? `: ${code}` : ''}`, permanent: false };
}

/** The part of a receiver's answer kept (for adapters that read details in it). */
export const MAX_RESPONSE_TEXT = 4096;
/**
 * The most of an answer read at all: a receiver acknowledges with a short body, and one that
 * sends more (or streams without end) is cut off, not buffered.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024;

/** The longest wait a receiver's rate limit may ask for; a longer one is taken as this. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** A `Retry-After` header (seconds, or an HTTP date) as a bounded wait in milliseconds. */
export function retryAfterHeaderMs(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(0, Math.ceil(seconds)), MAX_RETRY_AFTER_MS);
}

/** Reads an http(s) URL; null for anything else. */
export function httpUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * POSTs (or PUTs) a body, JSON unless the headers say otherwise, to a channel URL through the target guard: non-public addresses are refused (unless
 * the deployment allows them) both for literal IPs and for names, at connect time, so a name that
 * resolves differently later cannot slip through. Never throws.
 */
export function createGuardedPoster(options: HttpPostOptions) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs, ...(options.allowPrivateTargets ? {} : { lookup: publicOnlyLookup }) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function post(
    url: URL,
    rawBody: string,
    headers: Record<string, string>,
    method: 'POST' | 'PUT' | 'PATCH' = 'POST',
  ): Promise<PostResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failure = (statusCode: number, error: string): PostResult => ({
      ok: false,
      statusCode,
      error,
      durationMs: elapsed(),
      responseText: null,
    });
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivateTargets && isIP(host) && !isPublicAddress(host)) {
      return {
        ok: false,
        statusCode: null,
        error: 'blocked target: non-public address',
        durationMs: 0,
        permanent: true,
        responseText: null,
      };
    }
    try {
      const response = await request(url, {
        method,
        headers: { 'content-type': 'application/json', 'user-agent': options.userAgent, ...headers },
        body: rawBody,
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const { statusCode } = response;
      const read = await readBounded(response.body, MAX_RESPONSE_BYTES).catch((error: unknown) => ({
        error,
      }));
      // A 2xx counts only once its answer has ended: a body cut off, or one still streaming at the
      // deadline, is no acknowledgement. The attempt fails (and is retried with the same key).
      if ('error' in read) {
        const { error } = describe(read.error);
        const reason = error === 'timeout' ? `did not end within ${timeoutMs} ms` : `broke off (${error})`;
        return failure(statusCode, `HTTP ${statusCode}, but the response ${reason}`);
      }
      if (!read.complete) {
        return failure(
          statusCode,
          `HTTP ${statusCode}, but the response is over ${MAX_RESPONSE_BYTES} bytes`,
        );
      }
      const text = read.bytes.subarray(0, MAX_RESPONSE_TEXT).toString('utf8');
      const ok = statusCode >= 200 && statusCode < 300;
      const retryAfter = response.headers['retry-after'];
      // A rate limit (429) or an overload (503) may say how long to wait: the notifier then holds back.
      const wait =
        statusCode === 429 || statusCode === 503
          ? retryAfterHeaderMs(response.headers['retry-after'])
          : undefined;
      return {
        ok,
        statusCode,
        error: ok ? null : `HTTP ${statusCode}`,
        durationMs: elapsed(),
        responseText: text,
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      };
    } catch (error) {
      return { ok: false, statusCode: null, durationMs: elapsed(), responseText: null, ...describe(error) };
    }
  }

  return { post, close: () => dispatcher.close() };
}

export type GuardedPoster = ReturnType<typeof createGuardedPoster>;

/** Receiver errors that retrying cannot fix (bad URL or key, gone): everything 4xx but 408 and 429. */
export function isPermanentStatus(statusCode: number | null): boolean {
  return (
    statusCode !== null && statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429
  );
}
