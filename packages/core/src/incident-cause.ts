import type { ErrorKind } from './check-result';

/** The failure-relevant fields of one stored check result. */
export interface FailureFacts {
  ok: boolean;
  statusCode: number | null;
  errorKind: ErrorKind | string | null;
  errorMessage: string | null;
}

const MAX_DETAIL = 120;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL - 1)}…` : oneLine;
}

function withDetail(label: string, message: string | null): string {
  const detail = message ? clip(message) : '';
  return detail ? `${label}: ${detail}` : label;
}

function connectCause(message: string): string {
  if (/ECONNREFUSED|refused/i.test(message)) return 'connection refused';
  if (/ECONNRESET|reset/i.test(message)) return 'connection reset';
  if (/EHOSTUNREACH|ENETUNREACH|unreachable/i.test(message)) return 'host unreachable';
  return withDetail('connection failed', message);
}

function dnsCause(message: string): string {
  if (/ENOTFOUND|NXDOMAIN|not found/i.test(message)) return 'DNS: host not found';
  return withDetail('DNS failure', message);
}

/** A short human cause for a failed check (`HTTP 500`, `timeout`, `connection refused`); null when ok. */
export function failureCause(facts: FailureFacts): string | null {
  if (facts.ok) return null;
  const message = facts.errorMessage ?? '';
  switch (facts.errorKind) {
    case 'http_status':
      return facts.statusCode !== null ? `HTTP ${facts.statusCode}` : withDetail('HTTP error', message);
    case 'timeout':
      return 'timeout';
    case 'connect':
      return connectCause(message);
    case 'dns':
      return dnsCause(message);
    case 'tls':
      return withDetail('TLS error', message);
    case 'assertion':
      return withDetail('assertion failed', message);
    case 'blocked_target':
      return 'blocked target';
    case 'auth':
      return withDetail('login refused', message);
    case 'query':
      return withDetail('query failed', message);
    case 'internal':
      return 'internal error';
    default:
      if (facts.statusCode !== null && facts.statusCode >= 400) return `HTTP ${facts.statusCode}`;
      return withDetail('check failed', message);
  }
}

/**
 * The cause of a slot's verdict across regions: `HTTP 500 from 2 of 3 regions`, or
 * `timeout in eu only` when exactly one of several regions failed and its name is known.
 */
export function slotCause(
  cause: string,
  failedRegions: number,
  totalRegions: number,
  region?: string,
): string {
  if (totalRegions <= 1) return cause;
  if (failedRegions === 1 && region) return `${cause} in ${region} only`;
  return `${cause} from ${failedRegions} of ${totalRegions} regions`;
}
