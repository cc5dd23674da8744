import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ConnectionOptions } from 'node:tls';
import {
  type CheckDetail,
  type CheckError,
  type CheckOutcome,
  type CheckPhases,
  type CheckSpecOf,
  checkTypes,
  type DatabaseTlsMode,
  emptyPhases,
  evaluateAssertions,
} from '@sentinelmesh/core';
import { assertLiteralAllowed, classifyAddress, resolveTarget } from '@sentinelmesh/platform';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome, shorten } from './outcome';

export type DatabaseSpec = CheckSpecOf<'postgres'> | CheckSpecOf<'mysql'> | CheckSpecOf<'redis'>;

/** The two things a database check's assertions judge of its query: the first value and the row count. */
export interface QueryResult {
  value: unknown;
  rows: number;
}

/** Where a session connects: exactly the address the guard checked; TLS still verifies the host name. */
export interface DatabaseTarget {
  /** The host name of the monitor (brackets removed). */
  host: string;
  address: string;
  port: number;
  /** TLS options for the mode, or null when the mode is `disable`. */
  tls: ConnectionOptions | null;
  /** The check's timeout, for the client's own timeouts (the check's timer is what decides). */
  timeoutMs: number;
  /** Opens the TCP connection to the checked address and times it. */
  dial(): Socket;
  /** For a client that dials by itself (to `address`): call when it starts, and once connected. */
  dialing(): void;
  connected(): void;
}

/** One connection of a database check, driven by `runDatabaseCheck`. */
export interface DatabaseSession {
  /** Resolves once the server accepted the login (and the session is read-only); rejects otherwise. */
  login(): Promise<void>;
  /** Runs the monitor's query or command, or nothing (null) when it has none. */
  query(): Promise<QueryResult | null>;
  /** Closes the connection at once; called once, whatever happened. */
  close(): void;
}

/** What each database client says about its own errors. */
export interface DatabaseErrors {
  /** The error is the server's answer (an SQLSTATE, an error reply), not the network's or the client's. */
  fromServer(error: unknown): boolean;
  /** The server stopped the statement at its timeout (which the check set to its own). */
  timedOut?(error: unknown): boolean;
}

/** A query or command the check itself refuses to send (not one of the allowed reads). */
export class QueryRefused extends Error {}

const DATABASE_SOURCES: ReadonlySet<string> = new Set(checkTypes.postgres.assertions.sources);

/** TLS options for a mode; `servername` is the host name unless the host is an address. */
export function tlsOptions(mode: DatabaseTlsMode, host: string): ConnectionOptions | null {
  if (mode === 'disable') return null;
  return {
    rejectUnauthorized: mode === 'verify-full',
    ...(classifyAddress(host) ? {} : { servername: host }),
  };
}

/** A query's first value as assertions see it: JSON values as they are, anything else as text. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') return value;
  return String(value);
}

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';

/**
 * Sorts a failure of one stage. A server's refusal while logging in is `auth`, while querying
 * `query`; a network failure is what `classifyError` says; TLS trouble is `tls`; anything else the
 * client could not make sense of is `protocol` (something other than the database answered).
 */
function stageError(
  error: unknown,
  stage: 'login' | 'query',
  errors: DatabaseErrors,
  timeoutMs: number,
): CheckError {
  const message = messageOf(error);
  if (errors.timedOut?.(error))
    return { kind: 'timeout', message: `no complete response within ${timeoutMs} ms` };
  if (error instanceof QueryRefused) return { kind: 'query', message: shorten(message) };
  if (errors.fromServer(error)) {
    return { kind: stage === 'login' ? 'auth' : 'query', message: shorten(message) };
  }
  const classified = classifyError(error, { timeoutMs });
  if (classified.kind !== 'internal') return classified;
  const code =
    typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
  // mysql2 reports every failed handshake as HANDSHAKE_SSL_ERROR with the TLS error's message.
  if (/SSL/.test(code) || /\b(SSL|TLS)\b|secure connection|certificate/i.test(message)) {
    return { kind: 'tls', message: shorten(`TLS: ${message}`) };
  }
  if (/terminated|closed|ended|socket hang up/i.test(message)) {
    return { kind: 'connect', message: shorten(message) };
  }
  if (stage === 'login' && /password/i.test(message)) return { kind: 'auth', message: shorten(message) };
  return { kind: 'protocol', message: shorten(message) };
}

class StageFailure {
  constructor(readonly error: CheckError) {}
}

/**
 * Runs one database check: judges the host with the target guard, resolves it once, has the session
 * dial that address, log in and run the query, all within `timeoutMs`; then judges the result.
 * Timings: `phases.dnsMs` and `phases.connectMs`, and the details connect, login and query (ms), and
 * rows (count) when a query ran. Never throws.
 */
export async function runDatabaseCheck(
  spec: DatabaseSpec,
  ctx: CheckContext,
  errors: DatabaseErrors,
  open: (target: DatabaseTarget) => DatabaseSession,
): Promise<CheckOutcome> {
  const timeoutMs = spec.timeoutMs;
  try {
    assertLiteralAllowed(spec.host, ctx.allowPrivateTargets);
  } catch (error) {
    return failedOutcome(classifyError(error, { timeoutMs }));
  }
  const started = performance.now();
  const phases: CheckPhases = { ...emptyPhases };
  const details: CheckDetail[] = [];
  const measured = () => ({
    statusCode: null,
    latencyMs: performance.now() - started,
    phases,
    certExpiresAt: null,
  });
  const took = (label: string, since: number) => {
    const now = performance.now();
    details.push({ label, value: Math.max(0, Math.round(now - since)), unit: 'ms' });
    return now;
  };

  let session: DatabaseSession | null = null;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  const within = <T>(work: Promise<T>, stage: 'login' | 'query') =>
    Promise.race([work, deadline]).catch((error: unknown) => {
      throw new StageFailure(stageError(error, stage, errors, timeoutMs));
    });

  try {
    const host = spec.host.replace(/^\[|\]$/g, '');
    const resolved = await within(resolveTarget(host, { allowPrivate: ctx.allowPrivateTargets }), 'login');
    phases.dnsMs = classifyAddress(host) ? 0 : performance.now() - started;
    let dialedAt = performance.now();
    let connectedAt: number | null = null;
    const dialing = () => {
      dialedAt = performance.now();
    };
    const connected = () => {
      connectedAt = took('connect', dialedAt);
      phases.connectMs = connectedAt - dialedAt;
    };
    session = open({
      host,
      address: resolved.address,
      port: spec.port,
      tls: tlsOptions(spec.tlsMode, host),
      timeoutMs,
      dialing,
      connected,
      dial() {
        dialing();
        const socket = connect({ host: resolved.address, port: spec.port });
        socket.once('connect', connected);
        return socket;
      },
    });
    const opened = session;
    await within(opened.login(), 'login');
    took('login', connectedAt ?? dialedAt);
    const queryStarted = performance.now();
    const result = await within(opened.query(), 'query');
    if (result) {
      took('query', queryStarted);
      details.push({ label: 'rows', value: result.rows, unit: 'count' });
    }
    const observed = measured();
    const value = result ? plainValue(result.value) : null;
    const body = result ? (typeof value === 'string' ? value : JSON.stringify(value)) : null;
    const failed = evaluateAssertions(
      spec.assertions.filter((a) => DATABASE_SOURCES.has(a.source)),
      {
        ...observed,
        headers: {},
        body,
        ...(result ? { json: { value, rows: result.rows } } : {}),
      },
      ctx.now(),
    );
    return { ...answeredOutcome(observed, failed), details };
  } catch (error) {
    const failure = error instanceof StageFailure ? error.error : classifyError(error, { timeoutMs });
    return { ...failedOutcome(failure, measured()), details };
  } finally {
    clearTimeout(timer);
    session?.close();
  }
}
