import { describe, expect, it } from 'vitest';
import {
  MAX_RETRY_AFTER_MS,
  retryAfterHeaderMs,
  safeDetail,
  secondsToWaitMs,
  serviceResult,
} from '../src/channels/service-answer';

const answer = (statusCode: number | null, ok = false) => ({
  ok,
  statusCode,
  error: ok ? null : `HTTP ${statusCode}`,
  durationMs: 5,
  responseText: '{"secret":"x"}',
  retryAfter: '3',
});

describe('reading a service answer', () => {
  it.each([
    [200, true, undefined],
    [202, true, undefined],
    [400, false, true],
    [401, false, true],
    [404, false, true],
    [408, false, false],
    [429, false, false],
    [500, false, false],
    [503, false, false],
  ])('classifies HTTP %i: sent %s, permanent %s', (status, ok, permanent) => {
    const result = serviceResult(answer(status, ok));
    expect(result.ok).toBe(ok);
    expect(result.permanent).toBe(permanent);
    expect(result).not.toHaveProperty('responseText');
    expect(result).not.toHaveProperty('retryAfter');
  });

  it('appends the service’s reason and carries a rate limit’s wait', () => {
    expect(serviceResult(answer(429), { detail: 'slow down', retryAfterMs: 2000 })).toMatchObject({
      error: 'HTTP 429: slow down',
      retryAfterMs: 2000,
    });
  });

  it('reads Retry-After as seconds or as an HTTP date, bounded, and ignores anything else', () => {
    const now = Date.parse('2026-01-05T09:00:00Z');
    expect(retryAfterHeaderMs('7', now)).toBe(7000);
    expect(retryAfterHeaderMs('Mon, 05 Jan 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterHeaderMs('Mon, 05 Jan 2026 08:00:00 GMT', now)).toBe(0);
    expect(retryAfterHeaderMs('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterHeaderMs('soon', now)).toBeUndefined();
    expect(retryAfterHeaderMs(undefined, now)).toBeUndefined();
    expect(secondsToWaitMs(1.25)).toBe(1250);
    expect(secondsToWaitMs(-1)).toBeUndefined();
  });

  it('keeps a reason to one short line without URLs, which may carry tokens or acknowledge links', () => {
    expect(safeDetail("Bad Request: button URL 'https://x.example/ack/t0k3n' is\ninvalid")).toBe(
      "Bad Request: button URL '<url>' is invalid",
    );
    expect(safeDetail('x'.repeat(500))).toHaveLength(120);
    expect(safeDetail('  ')).toBeNull();
    expect(safeDetail(42)).toBeNull();
  });
});
