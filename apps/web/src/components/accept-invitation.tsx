'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { useInvitationPreview } from '../lib/account-queries';
import type { AcceptedInvitation, InvitationPreview } from '../lib/api-types';
import { useAuth } from '../lib/auth';
import { withNext } from '../lib/auth-forms';
import { formatDateTime } from '../lib/format';
import {
  acceptFailure,
  acceptFailureMessages,
  invitationPath,
  invitedSignupPath,
  sameEmail,
} from '../lib/invitations';
import { useQueryParam } from '../lib/use-query-param';
import { ProblemBanner } from './problem-banner';
import { ResendVerificationButton } from './verify-email-banner';

/** `/invitations/accept?token=`: what is offered, then log in or sign up, then accept. */
export function AcceptInvitation() {
  const token = useQueryParam('token');
  const preview = useInvitationPreview(token ?? null);

  let body: ReactNode;
  if (token === null) {
    body = (
      <p className="banner banner--error" role="alert">
        This link has no invitation token. Open the link from the invitation email again.
      </p>
    );
  } else if (token === undefined || preview.isPending) {
    body = (
      <p className="loading" role="status">
        Loading the invitation…
      </p>
    );
  } else if (preview.error) {
    body =
      acceptFailure(preview.error) === 'gone' ? (
        <p className="banner banner--error" role="alert">
          {acceptFailureMessages.gone}
        </p>
      ) : (
        <ProblemBanner error={preview.error} onRetry={() => void preview.refetch()} />
      );
  } else {
    body = <Offer token={token} invitation={preview.data} />;
  }
  return (
    <section className="card form" aria-labelledby="invitation-title">
      <h1 id="invitation-title">Join an organization</h1>
      {body}
    </section>
  );
}

function Offer({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const { state, session, adopt, logout } = useAuth();
  const router = useRouter();
  const accept = useMutation({
    mutationFn: () =>
      session.request<AcceptedInvitation>(`/v1/invitations/${encodeURIComponent(token)}/accept`, {
        method: 'POST',
      }),
    onSuccess: (joined) => {
      adopt(joined);
      router.replace('/');
    },
  });
  const returnTo = invitationPath(token);
  const failure = acceptFailure(accept.error);
  const otherAddress = state.status === 'signed-in' && !sameEmail(state.user.email, invitation.email);

  return (
    <>
      <dl className="settings">
        <div>
          <dt>Organization</dt>
          <dd>{invitation.organization.name}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{invitation.role}</dd>
        </div>
        <div>
          <dt>Invited address</dt>
          <dd>{invitation.email}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>
            <time dateTime={invitation.expiresAt}>{formatDateTime(invitation.expiresAt)}</time>
          </dd>
        </div>
      </dl>
      {state.status === 'restoring' ? (
        <p className="loading" role="status">
          Checking whether you are signed in…
        </p>
      ) : null}
      {state.status === 'signed-out' || state.status === 'unavailable' ? (
        <>
          <p>
            Log in as <strong>{invitation.email}</strong> to accept, or sign up with that address to join{' '}
            {invitation.organization.name} directly.
          </p>
          <div className="form__actions">
            <Link className="button" href={withNext('/login', returnTo)}>
              Log in to accept
            </Link>
            <Link className="button button--secondary" href={invitedSignupPath(token)}>
              Sign up
            </Link>
          </div>
        </>
      ) : null}
      {state.status === 'signed-in' ? (
        <>
          <p>
            Signed in as <strong>{state.user.email}</strong>.
            {otherAddress && failure !== 'wrong-address'
              ? ` This invitation is for ${invitation.email}: log out and log in with that address to accept it.`
              : null}
          </p>
          {accept.error ? (
            failure ? (
              <div className="banner banner--error" role="alert">
                <p>{acceptFailureMessages[failure]}</p>
                {failure === 'unverified' ? <ResendVerificationButton /> : null}
              </div>
            ) : (
              <ProblemBanner error={accept.error} />
            )
          ) : null}
          <div className="form__actions">
            <button
              type="button"
              className="button"
              disabled={accept.isPending}
              onClick={() => accept.mutate()}
            >
              {accept.isPending ? 'Joining…' : `Accept and join ${invitation.organization.name}`}
            </button>
            {failure === 'already-member' ? (
              <Link className="button button--secondary" href="/">
                Go to the dashboard
              </Link>
            ) : null}
            {failure === 'wrong-address' || otherAddress ? (
              <button
                type="button"
                className="button button--secondary"
                onClick={() =>
                  void logout()
                    .catch(() => undefined)
                    .then(() => router.replace(withNext('/login', returnTo)))
                }
              >
                Log out and switch account
              </button>
            ) : null}
          </div>
        </>
      ) : null}
    </>
  );
}
