import { DomainError } from '@sentinelmesh/core';

/** A problem with a Retry-After header; the error handler sets it. */
export interface RetryLater {
  retryAfterSeconds: number;
}

export const retryAfterOf = (error: unknown): number | null => {
  const value = (error as Partial<RetryLater> | null)?.retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(1, Math.ceil(value)) : null;
};

/** The status of an error whose code usually maps to another one (a quota spent per minute: 429). */
export const statusOverrideOf = (error: unknown): number | undefined => {
  const value = (error as { status?: unknown } | null)?.status;
  return typeof value === 'number' ? value : undefined;
};

/** A per-minute quota spent: a `quota_exceeded` problem answered with 429 and Retry-After. */
export class QuotaPerMinuteError extends DomainError {
  readonly status = 429;
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('quota_exceeded', message);
  }
}

/** A 429 problem that knows its Retry-After. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('rate_limited', message);
  }
}

/** A 503 problem that knows its Retry-After (the limits it needs cannot be checked). */
export class UnavailableError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('unavailable', message);
  }
}
