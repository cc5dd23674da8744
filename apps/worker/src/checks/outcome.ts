import {
  type CheckError,
  type CheckOutcome,
  type CheckPhases,
  describeFailedAssertion,
  type ErrorKind,
  emptyPhases,
  type FailedAssertion,
} from '@sentinelmesh/core';

const MAX_MESSAGE = 300;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA']);
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const PROTOCOL_CODE =
  /^(HPE_|UND_ERR_HEADERS_OVERFLOW|UND_ERR_RES_CONTENT_LENGTH_MISMATCH|UND_ERR_RES_EXCEEDED_MAX_SIZE|UND_ERR_INFO)/;
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_)|CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  hostname?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error and the errors it wraps (`cause`, and the attempts of an AggregateError). */
function* chain(error: unknown, depth = 0): Generator<ErrorLike> {
  if (depth > 4 || error === null || typeof error !== 'object') return;
  const e = error as ErrorLike;
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1);
  yield* chain(e.cause, depth + 1);
}

function kindOf(e: ErrorLike): ErrorKind | null {
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'EBLOCKEDTARGET') return 'blocked_target';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || TIMEOUT_CODES.has(code)) return 'timeout';
  if (DNS_CODES.has(code)) return 'dns';
  if (CONNECT_CODES.has(code)) return 'connect';
  if (code && TLS_CODE.test(code)) return 'tls';
  if ((code && PROTOCOL_CODE.test(code)) || e.name === 'HTTPParserError') return 'http_status';
  return null;
}

export const shorten = (text: string) =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;

/** Sorts a failure to reach a target into an error kind, with a short message a person can read. */
export function classifyError(error: unknown, options: { timeoutMs: number }): CheckError {
  for (const e of chain(error)) {
    const kind = kindOf(e);
    if (!kind) continue;
    const code = typeof e.code === 'string' ? e.code : '';
    const detail = typeof e.message === 'string' && e.message ? e.message : code;
    switch (kind) {
      case 'timeout':
        return { kind, message: `no complete response within ${options.timeoutMs} ms` };
      case 'dns':
        return {
          kind,
          message: shorten(
            `could not resolve ${typeof e.hostname === 'string' ? e.hostname : 'host'} (${code})`,
          ),
        };
      case 'connect':
        return { kind, message: shorten(code === 'ECONNREFUSED' ? `connection refused: ${detail}` : detail) };
      case 'blocked_target':
        return { kind, message: shorten(`blocked: ${detail}`) };
      case 'http_status':
        return { kind, message: shorten(`invalid HTTP response: ${detail}`) };
      default:
        return { kind, message: shorten(`TLS: ${detail}`) };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message: shorten(message || 'check failed') };
}

export interface Measured {
  statusCode: number | null;
  latencyMs: number | null;
  phases: CheckPhases;
  certExpiresAt: Date | null;
}

const rounded = (ms: number | null) => (ms === null ? null : Math.max(0, Math.round(ms)));

function roundedPhases(phases: CheckPhases): CheckPhases {
  return {
    dnsMs: rounded(phases.dnsMs),
    connectMs: rounded(phases.connectMs),
    tlsMs: rounded(phases.tlsMs),
    ttfbMs: rounded(phases.ttfbMs),
    transferMs: rounded(phases.transferMs),
  };
}

/** The outcome of a check that got an answer: ok unless an assertion failed. */
export function answeredOutcome(measured: Measured, failed: FailedAssertion[]): CheckOutcome {
  const status = failed.find((f) => f.source === 'status');
  const first = status ?? failed[0];
  let error: CheckError | null = null;
  if (first) {
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
    error = {
      kind: status ? 'http_status' : 'assertion',
      message: shorten(`${describeFailedAssertion(first)}${more}`),
    };
  }
  return {
    ok: error === null,
    statusCode: measured.statusCode,
    latencyMs: rounded(measured.latencyMs),
    phases: roundedPhases(measured.phases),
    certExpiresAt: measured.certExpiresAt?.toISOString() ?? null,
    error,
    failedAssertions: failed,
  };
}

/** The outcome of a check that failed before it had an answer to judge. */
export function failedOutcome(error: CheckError, measured: Partial<Measured> = {}): CheckOutcome {
  return {
    ok: false,
    statusCode: measured.statusCode ?? null,
    latencyMs: rounded(measured.latencyMs ?? null),
    phases: roundedPhases(measured.phases ?? emptyPhases),
    certExpiresAt: measured.certExpiresAt?.toISOString() ?? null,
    error,
    failedAssertions: [],
  };
}
