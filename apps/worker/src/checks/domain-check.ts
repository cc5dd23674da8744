import {
  type CheckDetail,
  type CheckOutcome,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
  type FailedAssertion,
} from '@sentinelmesh/core';
import type { CheckContext } from './context';
import { answeredOutcome, failedOutcome, type Measured, shorten } from './outcome';
import { RdapClient } from './rdap-client';

const DOMAIN_SOURCES: ReadonlySet<string> = new Set(checkTypes.domain.assertions.sources);
const DAY_MS = 86_400_000;

// A worker without its own client (tests of other types, the benchmark) reads IANA's bootstrap.
let fallback: RdapClient | null = null;
function clientOf(ctx: CheckContext): RdapClient {
  if (ctx.rdap) return ctx.rdap;
  fallback ??= new RdapClient();
  return fallback;
}

/**
 * A domain expiry check: the registration's expiry date by RDAP (cached, see RdapClient), judged
 * against `minDaysLeft`; days left, expiry, registrar and server are its details.
 */
export async function domainCheck(spec: CheckSpecOf<'domain'>, ctx: CheckContext): Promise<CheckOutcome> {
  const lookup = await clientOf(ctx).lookup(spec.domain, spec.rdapBaseUrl, ctx, spec.timeoutMs);
  const measured: Measured = lookup.measured ?? {
    statusCode: null,
    latencyMs: 0,
    phases: emptyPhases,
    certExpiresAt: null,
  };
  if ('error' in lookup) {
    const outcome = failedOutcome(lookup.error, measured);
    if (lookup.notFound) {
      outcome.failedAssertions = [
        { source: 'registration', path: spec.domain, op: 'exists', expected: null, actual: null },
      ];
    }
    return outcome;
  }
  const { registration, server, ageMs } = lookup;
  const expiresAt = registration.expiresAt;
  const daysLeft = expiresAt ? Math.floor((expiresAt.getTime() - ctx.now().getTime()) / DAY_MS) : null;
  const details: CheckDetail[] = [
    { label: 'days left', value: daysLeft, unit: 'days' },
    { label: 'expires', value: expiresAt?.toISOString() ?? null },
    { label: 'registrar', value: registration.registrar },
    { label: 'RDAP server', value: server },
    { label: 'answer age', value: Math.round(ageMs / 1000), unit: 's' },
  ];
  if (daysLeft !== null && daysLeft < spec.warnDaysLeft && daysLeft >= spec.minDaysLeft) {
    details.push({ label: 'warning', value: `expires within ${spec.warnDaysLeft} days` });
  }
  const expiry: FailedAssertion[] =
    daysLeft === null || daysLeft < spec.minDaysLeft
      ? [{ source: 'domainExpiresInDays', op: 'gte', expected: spec.minDaysLeft, actual: daysLeft }]
      : [];
  const failed = [
    ...expiry,
    ...evaluateAssertions(
      spec.assertions.filter((a) => DOMAIN_SOURCES.has(a.source)),
      { ...measured, headers: {}, body: null },
      ctx.now(),
    ),
  ];
  const outcome = { ...answeredOutcome(measured, failed), details };
  if (outcome.error && expiry.length > 0) {
    outcome.error.message = shorten(
      daysLeft === null
        ? `${server} publishes no expiration date for ${spec.domain}`
        : `${spec.domain} expires in ${daysLeft} days (minimum ${spec.minDaysLeft})`,
    );
  }
  return outcome;
}
