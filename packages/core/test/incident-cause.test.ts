import { describe, expect, it } from 'vitest';
import { type FailureFacts, failureCause, slotCause } from '../src/incident-cause';

const failed = (facts: Partial<FailureFacts>): FailureFacts => ({
  ok: false,
  statusCode: null,
  errorKind: null,
  errorMessage: null,
  ...facts,
});

describe('failureCause', () => {
  const cases: Array<{ name: string; facts: FailureFacts; cause: string | null }> = [
    {
      name: 'a passing check has no cause',
      facts: { ok: true, statusCode: 200, errorKind: null, errorMessage: null },
      cause: null,
    },
    {
      name: 'a bad status names the HTTP code',
      facts: failed({
        errorKind: 'http_status',
        statusCode: 500,
        errorMessage: 'status 500 outside [200, 399]',
      }),
      cause: 'HTTP 500',
    },
    {
      name: "a refused database login says so, with the server's words",
      facts: failed({ errorKind: 'auth', errorMessage: 'password authentication failed for user "monitor"' }),
      cause: 'login refused: password authentication failed for user "monitor"',
    },
    {
      name: 'a refused database query says so',
      facts: failed({ errorKind: 'query', errorMessage: 'relation "jobs" does not exist' }),
      cause: 'query failed: relation "jobs" does not exist',
    },
    {
      name: 'a bad status without a code keeps the message',
      facts: failed({ errorKind: 'http_status', errorMessage: 'no status line' }),
      cause: 'HTTP error: no status line',
    },
    {
      name: 'a timeout says timeout',
      facts: failed({ errorKind: 'timeout', errorMessage: 'after 10000 ms' }),
      cause: 'timeout',
    },
    {
      name: 'a refused connection says so',
      facts: failed({ errorKind: 'connect', errorMessage: 'connect ECONNREFUSED 127.0.0.1:9' }),
      cause: 'connection refused',
    },
    {
      name: 'a reset connection says so',
      facts: failed({ errorKind: 'connect', errorMessage: 'read ECONNRESET' }),
      cause: 'connection reset',
    },
    {
      name: 'an unreachable host says so',
      facts: failed({ errorKind: 'connect', errorMessage: 'connect EHOSTUNREACH 10.0.0.1:443' }),
      cause: 'host unreachable',
    },
    {
      name: 'another connect failure keeps its message',
      facts: failed({ errorKind: 'connect', errorMessage: 'socket hang up' }),
      cause: 'connection failed: socket hang up',
    },
    {
      name: 'an unknown host is a DNS not-found',
      facts: failed({ errorKind: 'dns', errorMessage: 'getaddrinfo ENOTFOUND nope.invalid' }),
      cause: 'DNS: host not found',
    },
    {
      name: 'another DNS failure keeps its message',
      facts: failed({ errorKind: 'dns', errorMessage: 'queryA ETIMEOUT example.com' }),
      cause: 'DNS failure: queryA ETIMEOUT example.com',
    },
    {
      name: 'a TLS failure keeps its message',
      facts: failed({ errorKind: 'tls', errorMessage: 'certificate has expired' }),
      cause: 'TLS error: certificate has expired',
    },
    {
      name: 'a failed assertion keeps its message on one line',
      facts: failed({ errorKind: 'assertion', errorMessage: 'body contains "ok"\n(got "error")' }),
      cause: 'assertion failed: body contains "ok" (got "error")',
    },
    {
      name: 'a blocked target says so',
      facts: failed({ errorKind: 'blocked_target', errorMessage: 'private' }),
      cause: 'blocked target',
    },
    {
      name: 'an internal error hides its details',
      facts: failed({ errorKind: 'internal', errorMessage: 'TypeError: x is undefined' }),
      cause: 'internal error',
    },
    {
      name: 'a failure without a kind but with a 503 names the code',
      facts: failed({ statusCode: 503 }),
      cause: 'HTTP 503',
    },
    { name: 'a failure with nothing known is a failed check', facts: failed({}), cause: 'check failed' },
    {
      name: 'a long message is clipped to 120 characters',
      facts: failed({ errorKind: 'tls', errorMessage: 'x'.repeat(500) }),
      cause: `TLS error: ${'x'.repeat(119)}…`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(failureCause(c.facts)).toBe(c.cause);
    });
  }
});

describe('slotCause', () => {
  const cases: Array<{
    name: string;
    cause: string;
    failed: number;
    total: number;
    region?: string;
    expected: string;
  }> = [
    {
      name: 'one failing region of several is named',
      cause: 'timeout',
      failed: 1,
      total: 2,
      region: 'eu',
      expected: 'timeout in eu only',
    },
    {
      name: 'one region keeps the cause as it is',
      cause: 'HTTP 500',
      failed: 1,
      total: 1,
      expected: 'HTTP 500',
    },
    {
      name: 'several regions name the failing share',
      cause: 'HTTP 500',
      failed: 2,
      total: 3,
      expected: 'HTTP 500 from 2 of 3 regions',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(slotCause(c.cause, c.failed, c.total, c.region)).toBe(c.expected);
    });
  }
});
