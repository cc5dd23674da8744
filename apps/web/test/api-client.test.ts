import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait';
import { ApiError, ApiUnreachableError, apiRequest, describeError } from '../src/lib/api-client';
import { Session } from '../src/lib/session';

const problem = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify(body));
};
const json = (res: ServerResponse, status: number, body: object) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A stand-in API on 127.0.0.1: access token "fresh" is valid; refresh hands it out while allowed. */
const api = {
  refreshes: 0,
  refreshAllowed: true,
  /** While set, a refresh is answered only once it settles. */
  refreshHeld: null as Promise<void> | null,
};

function handle(req: IncomingMessage, res: ServerResponse) {
  const unauthenticated = {
    type: 'urn:sentinelmesh:problem:unauthenticated',
    title: 'Unauthenticated',
    status: 401,
  };
  switch (`${req.method} ${req.url}`) {
    case 'POST /api/v1/auth/refresh': {
      api.refreshes += 1;
      const answer = () =>
        api.refreshAllowed
          ? json(res, 200, { accessToken: 'fresh', expiresIn: 900 })
          : problem(res, 401, unauthenticated);
      if (api.refreshHeld) return void api.refreshHeld.then(answer);
      return answer();
    }
    case 'GET /api/v1/me':
      return req.headers.authorization === 'Bearer fresh'
        ? json(res, 200, { user: { id: 'u1', email: 'a@example.com' } })
        : problem(res, 401, unauthenticated);
    case 'POST /api/v1/monitors':
      return problem(res, 400, {
        type: 'urn:sentinelmesh:problem:validation',
        title: 'Validation failed',
        status: 400,
        detail: 'the body is invalid',
        errors: [{ path: 'intervalSeconds', message: 'must be at least 30' }],
      });
    case 'GET /api/v1/limited':
      return problem(
        res,
        429,
        { type: 'urn:sentinelmesh:problem:rate_limited', title: 'Too many requests', status: 429 },
        { 'retry-after': '7' },
      );
    case 'GET /api/v1/gateway':
      res.writeHead(500);
      return res.end('Internal Server Error');
    case 'DELETE /api/v1/monitors/m1':
      res.writeHead(204);
      return res.end();
    default:
      return problem(res, 404, {
        type: 'urn:sentinelmesh:problem:not_found',
        title: 'Not found',
        status: 404,
      });
  }
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  api.refreshes = 0;
  api.refreshAllowed = true;
  api.refreshHeld = null;
});

describe('apiRequest', () => {
  it('turns a problem+json answer into an ApiError carrying its field errors', async () => {
    const error = await apiRequest('/v1/monitors', { baseUrl, method: 'POST', body: { name: 'x' } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'validation',
      title: 'Validation failed',
      errors: [{ path: 'intervalSeconds', message: 'must be at least 30' }],
    });
  });

  it('reads Retry-After from a rate-limited answer and says when to try again', async () => {
    const error = await apiRequest('/v1/limited', { baseUrl }).catch((e) => e);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 7 });
    expect(describeError(error)).toBe('Too many requests. Try again in 7 s.');
  });

  it('treats a bare 500 from the dashboard proxy as the API being unreachable', async () => {
    await expect(apiRequest('/v1/gateway', { baseUrl })).rejects.toBeInstanceOf(ApiUnreachableError);
  });

  it('treats a refused connection as the API being unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(apiRequest('/v1/me', { baseUrl: deadUrl })).rejects.toBeInstanceOf(ApiUnreachableError);
  });

  it('resolves a 204 answer to undefined', async () => {
    await expect(apiRequest('/v1/monitors/m1', { baseUrl, method: 'DELETE' })).resolves.toBeUndefined();
  });
});

describe('Session', () => {
  it('refreshes once on a 401 and retries the call with the new token', async () => {
    const session = new Session(() => {}, baseUrl);
    session.setToken('stale');
    await expect(session.request('/v1/me')).resolves.toMatchObject({ user: { id: 'u1' } });
    expect(session.accessToken).toBe('fresh');
    expect(api.refreshes).toBe(1);
  });

  it('shares one refresh between calls that hit a 401 at the same time', async () => {
    const session = new Session(() => {}, baseUrl);
    session.setToken('stale');
    const results = await Promise.all([1, 2, 3].map(() => session.request('/v1/me')));
    expect(results).toHaveLength(3);
    expect(api.refreshes).toBe(1);
  });

  it('signs out when the refresh cookie is no longer accepted', async () => {
    api.refreshAllowed = false;
    let expired = 0;
    const session = new Session(() => {
      expired += 1;
    }, baseUrl);
    session.setToken('stale');
    await expect(session.request('/v1/me')).rejects.toMatchObject({ status: 401 });
    expect(expired).toBe(1);
    expect(session.accessToken).toBeNull();
  });

  it('keeps the token of a sign-in that lands while a refused refresh is in flight', async () => {
    // A page opened signed out restores first; the visitor signs up before the refusal arrives.
    api.refreshAllowed = false;
    let release = () => {};
    api.refreshHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    const session = new Session(() => {}, baseUrl);
    const restoring = session.refresh();
    await waitFor('the refresh to reach the API', () => api.refreshes === 1, { timeoutMs: 5_000 });
    session.setToken('fresh');
    release();
    await expect(restoring).resolves.toBe('signed-out');
    expect(session.accessToken).toBe('fresh');
    await expect(session.request('/v1/me')).resolves.toMatchObject({ user: { id: 'u1' } });
  });

  it('reports an unreachable API instead of signing out', async () => {
    let expired = 0;
    const session = new Session(() => {
      expired += 1;
    }, 'http://127.0.0.1:1');
    await expect(session.refresh()).rejects.toBeInstanceOf(ApiUnreachableError);
    expect(expired).toBe(0);
  });
});
