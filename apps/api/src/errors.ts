import { DomainError, type FieldProblem, notFound, type Role } from '@sentinelmesh/core';
import { QuotaPerMinuteError, RateLimitedError, UnavailableError } from './limits/errors';

/** How long a client waits when the limits cannot be counted (Redis down). */
const UNAVAILABLE_RETRY_SECONDS = 5;

/**
 * Every error the API answers with, by a stable name and with one message per situation (Fastify
 * keeps its `FST_ERR_*` codes in one module the same way). Throw sites pick an entry; the error
 * handler (http/problems.ts) turns its code into the problem of docs/api.md. Messages say what to do next.
 */
export const apiErrors = {
  // 400
  invalid: (what: string, errors: FieldProblem[]) =>
    new DomainError('validation', `the ${what} is invalid`, errors),
  invalidCursor: () =>
    new DomainError('validation', 'the cursor is invalid', [
      { path: 'cursor', message: 'pass back a nextCursor value unchanged' },
    ]),
  unstorableText: (errors: FieldProblem[]) =>
    new DomainError('validation', 'text may not contain the NUL character or unpaired surrogates', errors),
  wrongPassword: () =>
    new DomainError('validation', 'the current password is wrong', [
      { path: 'currentPassword', message: 'does not match your current password' },
    ]),
  invalidChannelSettings: (type: string, errors: FieldProblem[]) =>
    new DomainError('validation', `invalid ${type} channel settings`, errors),
  invalidLink: (what: string) =>
    new DomainError('invalid_token', `this ${what} link is invalid, expired or already used`),

  // 401: no usable credential. The caller's next step is in the message.
  unauthenticated: () =>
    new DomainError('unauthenticated', 'send an access token or API key as "Authorization: Bearer <token>"'),
  invalidAccessToken: () => new DomainError('unauthenticated', 'the access token is invalid or expired'),
  invalidApiKey: () => new DomainError('unauthenticated', 'the API key is invalid or revoked'),
  /** The credential was valid once: its session ended (signed out, membership gone, refresh token spent). */
  sessionEnded: (reason: string) => new DomainError('unauthenticated', `${reason}; log in again`),
  badCredentials: () => new DomainError('unauthenticated', 'invalid email or password'),
  metricsToken: () =>
    new DomainError('unauthenticated', 'send METRICS_TOKEN as "Authorization: Bearer <token>"'),

  // 403
  roleTooLow: (min: Role, role: Role) =>
    new DomainError('forbidden', `this needs the ${min} role or higher; you are ${role}`),
  apiKeyRefused: (what: string) =>
    new DomainError('forbidden', `API keys cannot ${what}; sign in to do this`),
  ownerOnly: () => new DomainError('forbidden', 'only an owner can grant, change or remove the owner role'),
  personalChannel: () =>
    new DomainError('forbidden', 'a personal channel is changed and tested only by the member it belongs to'),
  keyAboveRole: (role: Role) =>
    new DomainError('forbidden', `you can create keys up to your own role (${role})`),
  signupDisabled: () => new DomainError('forbidden', 'signup is disabled on this deployment'),
  invitationForAnotherAddress: () =>
    new DomainError('forbidden', 'this invitation is for another address; sign in with that address'),
  emailNotVerified: () =>
    new DomainError(
      'forbidden',
      'verify your email first: follow the link we emailed you, then accept again',
    ),

  // 404: also for another organization's objects and for malformed ids.
  notFound,
  metricsOff: () => new DomainError('not_found', 'no route GET /metrics (set METRICS_TOKEN to serve it)'),

  // 409 (quotas too: 409 quota_exceeded)
  quotaExceeded: (limit: string, value: number, detail: string) =>
    new DomainError('quota_exceeded', `the ${limit} limit of this organization is ${value}; ${detail}`),
  emailTaken: () => new DomainError('conflict', 'an account with this email already exists'),
  slugTaken: () =>
    new DomainError('conflict', 'this slug is taken', [
      { path: 'slug', message: 'taken by another status page' },
    ]),
  domainTaken: () =>
    new DomainError('conflict', 'this domain serves another status page', [
      { path: 'customDomain', message: 'taken by another status page' },
    ]),
  lastOwner: () =>
    new DomainError('conflict', 'an organization keeps at least one owner; make someone else owner first'),
  memberAlready: () =>
    new DomainError('conflict', 'this address belongs to a member of this organization already'),
  invitedMeanwhile: () =>
    new DomainError(
      'conflict',
      'this address was invited at the same moment; list the invitations and retry',
    ),
  invitationAccepted: () =>
    new DomainError('conflict', 'this invitation was accepted already; remove the member instead'),
  joinedAlready: () => new DomainError('conflict', 'you are a member of this organization already'),
  notCheckable: (why: string) => new DomainError('conflict', why),
  policyInUse: (monitors: number) =>
    new DomainError(
      'conflict',
      `${monitors} monitor(s) use this escalation policy; give them another policy (or none) first`,
    ),

  promotedAlready: () =>
    new DomainError(
      'conflict',
      'this incident is posted on that status page already; post an update to it instead',
    ),
  // 429 and 503 carry Retry-After.
  tooManyRequests: (wait: number) => new RateLimitedError(wait, `too many requests; retry in ${wait} s`),
  tooManyStreams: (who: string, limit: number, wait: number) =>
    new RateLimitedError(
      wait,
      `${who} has ${limit} live event streams open already; close one or retry in ${wait} s`,
    ),
  tooManyFailedSignIns: (wait: number) =>
    new RateLimitedError(wait, `too many failed sign-ins from this client; retry in ${wait} s`),
  testAlertsSpent: (limit: number, wait: number) =>
    new QuotaPerMinuteError(
      wait,
      `the testAlertsPerMinute limit of this organization is ${limit}; ${limit} sent in the last minute, retry in ${wait} s`,
    ),
  /** Redis could not count, so an auth route refuses rather than letting a password guesser through. */
  authUnavailable: () =>
    new UnavailableError(
      UNAVAILABLE_RETRY_SECONDS,
      'sign-in is briefly unavailable (its rate limits cannot be checked); retry shortly',
    ),
  checksUnavailable: () =>
    new UnavailableError(UNAVAILABLE_RETRY_SECONDS, 'checks cannot be queued right now; retry shortly'),
  testAlertsUnavailable: () =>
    new UnavailableError(UNAVAILABLE_RETRY_SECONDS, 'test alerts are briefly unavailable; retry shortly'),
} as const;
