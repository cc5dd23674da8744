import type { DeliveryResult } from './adapter';
import { isPermanentStatus, type PostResult } from './http-post';

/** The longest wait a rate limit may ask for; a longer one is taken as this. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** A receiver's JSON answer, or null when it is not JSON. */
export function parseAnswer(text: string | null): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A wait in seconds (a number, or digits in a string) as bounded milliseconds; undefined otherwise. */
export function secondsToWaitMs(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(Math.ceil(seconds * 1000), MAX_RETRY_AFTER_MS);
}

/** A `Retry-After` header (seconds, or an HTTP date) as bounded milliseconds from `nowMs`. */
export function retryAfterHeaderMs(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const seconds = secondsToWaitMs(value);
  if (seconds !== undefined) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

/**
 * A service's own reason for a refusal, safe to keep in the delivery log: one line, URLs (which
 * may carry tokens or acknowledge links) replaced, at most 120 characters; null when there is none.
 */
export function safeDetail(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const line = value
    .replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"<>()[\]]+/gi, '<url>')
    .replace(/\s+/g, ' ')
    .trim();
  if (line === '') return null;
  return line.length <= 120 ? line : `${line.slice(0, 119)}…`;
}

/**
 * A service's answer as a delivery result: 2xx is sent; 408, 429 and 5xx are worth a retry; other
 * 4xx are permanent. `detail` (the service's reason) is added to the error; `retryAfterMs` holds
 * the channel back for that long.
 */
export function serviceResult(
  answer: PostResult,
  extra: { detail?: string | null; retryAfterMs?: number | undefined } = {},
): DeliveryResult {
  const { responseText: _, retryAfter: __, ...result } = answer;
  if (result.ok) return result;
  const detail = extra.detail ? `: ${extra.detail}` : '';
  return {
    ...result,
    error: `${result.error ?? 'delivery failed'}${detail}`,
    permanent: result.permanent === true || isPermanentStatus(result.statusCode),
    ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }),
  };
}
