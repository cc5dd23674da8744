'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { accountRequests } from '../lib/account-queries';
import { ApiError, describeError } from '../lib/api-client';
import { useAuth } from '../lib/auth';
import { useQueryParam } from '../lib/use-query-param';
import { ResendVerificationButton } from './verify-email-banner';

type Outcome = { status: 'verifying' } | { status: 'verified' } | { status: 'failed'; message: string };

const INVALID_LINK =
  'This verification link is not valid any more: it was used already or is older than 24 hours.';

/** Opens from the emailed link: verifies once on arrival and tells the result. */
export function VerifyEmail() {
  const token = useQueryParam('token');
  const { state, reloadMe } = useAuth();
  const [outcome, setOutcome] = useState<Outcome>({ status: 'verifying' });
  // The token is single-use: a second request (strict mode mounts twice) would report it as used.
  const sent = useRef(false);

  useEffect(() => {
    if (token === undefined || sent.current) return;
    sent.current = true;
    if (token === null) {
      setOutcome({ status: 'failed', message: 'This link has no verification token.' });
      return;
    }
    accountRequests.verifyEmail(token).then(
      () => setOutcome({ status: 'verified' }),
      (error: unknown) =>
        setOutcome({
          status: 'failed',
          message:
            error instanceof ApiError && error.code === 'invalid_token' ? INVALID_LINK : describeError(error),
        }),
    );
  }, [token]);

  const signedIn = state.status === 'signed-in';
  useEffect(() => {
    if (outcome.status === 'verified' && signedIn) reloadMe().catch(() => undefined);
  }, [outcome.status, signedIn, reloadMe]);

  return (
    <section className="card form" aria-labelledby="verify-title">
      <h1 id="verify-title">Email verification</h1>
      {outcome.status === 'verifying' ? (
        <p className="loading" role="status">
          Verifying your email address…
        </p>
      ) : null}
      {outcome.status === 'verified' ? (
        <p className="banner banner--success" role="status">
          Your email address is verified.
        </p>
      ) : null}
      {outcome.status === 'failed' ? (
        <>
          <p className="banner banner--error" role="alert">
            {outcome.message}
          </p>
          {signedIn ? <ResendVerificationButton /> : <p>Log in to get a new link.</p>}
        </>
      ) : null}
      <p className="form__footer">
        {signedIn ? <Link href="/">Go to the dashboard</Link> : <Link href="/login">Log in</Link>}
      </p>
    </section>
  );
}
