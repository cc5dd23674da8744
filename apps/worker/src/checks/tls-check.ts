import { performance } from 'node:perf_hooks';
import { checkServerIdentity, connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import {
  type CheckError,
  type CheckOutcome,
  type CheckPhases,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
  type FailedAssertion,
} from '@sentinelmesh/core';
import { assertLiteralAllowed, classifyAddress, guardedLookup } from '@sentinelmesh/platform';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome, shorten } from './outcome';

const TLS_SOURCES: ReadonlySet<string> = new Set(checkTypes.tls.assertions.sources);
const DAY_MS = 86_400_000;

/** What is wrong with the certificate a server presented: chain, host name, days left. */
function certificateProblems(
  cert: PeerCertificate,
  chainError: string | null,
  name: string | null,
  minDaysLeft: number,
  now: Date,
): { problems: FailedAssertion[]; expiresAt: Date | null; daysLeft: number | null } {
  const problems: FailedAssertion[] = [];
  if (chainError) {
    problems.push({
      source: 'certificate',
      path: 'chain',
      op: 'eq',
      expected: 'trusted',
      actual: chainError,
    });
  }
  const identity = name === null ? undefined : checkServerIdentity(name, cert);
  if (identity) {
    problems.push({
      source: 'certificate',
      path: 'hostname',
      op: 'eq',
      expected: name,
      actual: identity.message,
    });
  }
  const expires = cert.valid_to ? new Date(cert.valid_to) : null;
  const expiresAt = expires && !Number.isNaN(expires.getTime()) ? expires : null;
  const daysLeft = expiresAt ? Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS) : null;
  if (daysLeft === null || daysLeft < minDaysLeft) {
    problems.push({ source: 'certExpiresInDays', op: 'gte', expected: minDaysLeft, actual: daysLeft });
  }
  return { problems, expiresAt, daysLeft };
}

/**
 * Judges the certificate of a finished handshake: a trusted chain and a match for `name` (both
 * skipped when `name` is null), and at least `minDaysLeft` days left.
 */
export function judgeCertificate(socket: TLSSocket, name: string | null, minDaysLeft: number, now: Date) {
  const chainError = socket.authorized ? null : String(socket.authorizationError ?? 'unknown');
  // A hostname mismatch alone shows up as the chain error too; report it once, as a name problem.
  const chain = name === null || chainError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? null : chainError;
  return certificateProblems(socket.getPeerCertificate(), chain, name, minDaysLeft, now);
}

function describe(problem: FailedAssertion): string {
  if (problem.path === 'chain') return `certificate not trusted: ${String(problem.actual)}`;
  if (problem.path === 'hostname') return `certificate does not match: ${String(problem.actual)}`;
  return problem.actual === null
    ? 'certificate has no readable expiry date'
    : `certificate expires in ${String(problem.actual)} days (minimum ${String(problem.expected)})`;
}

/** The `tls` error naming the first of a certificate's problems; null when it has none. */
export function certificateError(problems: FailedAssertion[]): CheckError | null {
  const first = problems[0];
  if (!first) return null;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return { kind: 'tls', message: shorten(`${describe(first)}${more}`) };
}

/**
 * A TLS check: completes a handshake (without an HTTP request) and judges the certificate: a
 * trusted chain, a name that matches `servername` (or `host`), and at least `minDaysLeft` days left.
 */
export function tlsCheck(spec: CheckSpecOf<'tls'>, ctx: CheckContext): Promise<CheckOutcome> {
  const { host, port } = spec;
  try {
    assertLiteralAllowed(host, ctx.allowPrivateTargets);
  } catch (error) {
    return Promise.resolve(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs })));
  }
  const name = spec.servername ?? host.replace(/^\[|\]$/g, '');
  const sni = classifyAddress(name) ? undefined : name;
  return new Promise((resolve) => {
    const started = performance.now();
    const phases: CheckPhases = { ...emptyPhases, dnsMs: classifyAddress(host) ? 0 : null };
    let connectedAt: number | null = null;
    let settled = false;
    const socket = connect({
      host: host.replace(/^\[|\]$/g, ''),
      port,
      ...(sni ? { servername: sni } : {}),
      // Judged below, so that every problem is reported rather than the first one.
      rejectUnauthorized: false,
      lookup: guardedLookup({ allowPrivate: ctx.allowPrivateTargets }),
    });
    const finish = (outcome: CheckOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const measured = () => ({ statusCode: null, latencyMs: performance.now() - started, phases });
    const timer = setTimeout(() => {
      const error = Object.assign(new Error('handshake timed out'), { code: 'ETIMEDOUT' });
      finish(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }), measured()));
    }, spec.timeoutMs);
    socket.once('lookup', () => {
      phases.dnsMs = performance.now() - started;
    });
    socket.once('connect', () => {
      connectedAt = performance.now();
      phases.connectMs = connectedAt - started - (phases.dnsMs ?? 0);
    });
    socket.once('secureConnect', () => {
      if (connectedAt !== null) phases.tlsMs = performance.now() - connectedAt;
      const now = ctx.now();
      const { problems, expiresAt } = judgeCertificate(socket, name, spec.minDaysLeft, now);
      const observed = { ...measured(), certExpiresAt: expiresAt };
      const failed = evaluateAssertions(
        spec.assertions.filter((a) => TLS_SOURCES.has(a.source)),
        { ...observed, headers: {}, body: null },
        now,
      );
      const outcome = answeredOutcome(observed, [...problems, ...failed]);
      outcome.error = certificateError(problems) ?? outcome.error;
      finish(outcome);
    });
    socket.once('error', (error) =>
      finish(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }), measured())),
    );
  });
}
