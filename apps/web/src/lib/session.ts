import { ApiError, apiRequest, type RequestOptions } from './api-client';
import type { RefreshResponse } from './api-types';

const REFRESH_LOCK = 'sentinelmesh:refresh';

export type RefreshOutcome = 'refreshed' | 'signed-out';

/**
 * Holds the access token in memory only; the refresh token is the API's httpOnly cookie.
 * A 401 gets one refresh (shared by every caller that hit it at the same time), then one retry.
 */
export class Session {
  private token: string | null = null;
  private refreshing: Promise<RefreshOutcome> | null = null;

  constructor(
    private readonly onExpired: () => void,
    private readonly baseUrl = '',
  ) {}

  get accessToken(): string | null {
    return this.token;
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  /** Trades the refresh cookie for a new access token; throws ApiUnreachableError when the API is down. */
  refresh(): Promise<RefreshOutcome> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async request<T>(path: string, options: Omit<RequestOptions, 'token' | 'baseUrl'> = {}): Promise<T> {
    const sentWith = this.token;
    try {
      return await apiRequest<T>(path, { ...options, baseUrl: this.baseUrl, token: sentWith });
    } catch (error) {
      if (!isUnauthenticated(error)) throw error;
      // Another call may already have refreshed while this one was in flight.
      if (this.token === null || this.token === sentWith) {
        if ((await this.refresh()) === 'signed-out') {
          this.expire();
          throw error;
        }
      }
    }
    try {
      return await apiRequest<T>(path, { ...options, baseUrl: this.baseUrl, token: this.token });
    } catch (error) {
      if (isUnauthenticated(error)) this.expire();
      throw error;
    }
  }

  private async doRefresh(): Promise<RefreshOutcome> {
    // A sign-in while the refresh is in flight sets a token the refused refresh knows nothing of.
    const tokenBefore = this.token;
    try {
      const tokens = await acrossTabs(REFRESH_LOCK, () =>
        apiRequest<RefreshResponse>('/v1/auth/refresh', { method: 'POST', baseUrl: this.baseUrl }),
      );
      this.token = tokens.accessToken;
      return 'refreshed';
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        if (this.token === tokenBefore) this.token = null;
        return 'signed-out';
      }
      throw error;
    }
  }

  private expire(): void {
    this.token = null;
    this.onExpired();
  }
}

/**
 * The API rotates the refresh token and revokes the whole session when a rotated token is presented
 * again, so two tabs must never refresh with the same cookie at once: Web Locks queue them.
 */
async function acrossTabs<T>(name: string, task: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || !navigator.locks) return task();
  return await navigator.locks.request(name, task);
}

function isUnauthenticated(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 401;
}
