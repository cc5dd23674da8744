'use client';

import { useResendVerification } from '../lib/account-queries';
import { describeError } from '../lib/api-client';
import { useAuth } from '../lib/auth';

/** Reminds a signed-in user whose email is unverified; they cannot accept invitations until it is. */
export function VerifyEmailBanner() {
  const { state } = useAuth();
  if (state.status !== 'signed-in' || state.user.emailVerified !== false) return null;
  return (
    <section className="banner banner--warning verify-banner" aria-label="Email verification">
      <p>
        Confirm your email address: open the link we sent to <strong>{state.user.email}</strong>.
      </p>
      <ResendVerificationButton />
    </section>
  );
}

/** "Resend verification email" with its outcome beside it, announced to screen readers. */
export function ResendVerificationButton() {
  const resend = useResendVerification();
  return (
    <div className="actions actions--inline">
      <button
        type="button"
        className="button button--secondary button--small"
        disabled={resend.isPending}
        onClick={() => resend.mutate()}
      >
        {resend.isPending ? 'Sending…' : 'Resend verification email'}
      </button>
      <span role="status">
        {resend.isSuccess ? 'Sent. Check your inbox.' : null}
        {resend.error ? describeError(resend.error) : null}
      </span>
    </div>
  );
}
