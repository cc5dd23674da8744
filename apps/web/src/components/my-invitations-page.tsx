'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { canManageMembers } from '../lib/account-queries';
import type { AcceptedInvitation, MyInvitation } from '../lib/api-types';
import { useAuth } from '../lib/auth';
import { EMPTY, formatDateTime } from '../lib/format';
import { acceptFailure, acceptFailureMessages } from '../lib/invitations';
import { useApiQuery } from '../lib/queries';
import { InvitationsSection } from './invitations-section';
import { ProblemBanner } from './problem-banner';
import { ResendVerificationButton } from './verify-email-banner';

const myInvitationsKey = ['my-invitations'] as const;

function InvitationCard({ invitation }: { invitation: MyInvitation }) {
  const { session, adopt } = useAuth();
  const router = useRouter();
  const queryClient = useQueryClient();
  const path = `/v1/me/invitations/${encodeURIComponent(invitation.id)}`;
  const accept = useMutation({
    mutationFn: () => session.request<AcceptedInvitation>(`${path}/accept`, { method: 'POST' }),
    onSuccess: (joined) => {
      adopt(joined);
      router.push('/');
    },
  });
  const decline = useMutation({
    mutationFn: () => session.request<void>(`${path}/decline`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: myInvitationsKey }),
  });
  const failure = acceptFailure(accept.error);
  const name = invitation.organization.name;
  const titleId = `invitation-${invitation.id}`;
  return (
    <li className="card invitation-card" aria-labelledby={titleId}>
      <h3 id={titleId}>{name}</h3>
      <dl className="settings">
        <div>
          <dt>Role</dt>
          <dd>{invitation.role}</dd>
        </div>
        <div>
          <dt>Invited by</dt>
          <dd>{invitation.invitedBy ?? EMPTY}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>
            <time dateTime={invitation.expiresAt}>{formatDateTime(invitation.expiresAt)}</time>
          </dd>
        </div>
      </dl>
      {accept.error ? (
        failure ? (
          <p className="banner banner--error" role="alert">
            {acceptFailureMessages[failure]}
          </p>
        ) : (
          <ProblemBanner error={accept.error} />
        )
      ) : null}
      {decline.error ? <ProblemBanner error={decline.error} /> : null}
      <div className="form__actions">
        <button
          type="button"
          className="button"
          disabled={accept.isPending || decline.isPending}
          onClick={() => accept.mutate()}
        >
          {accept.isPending ? 'Joining…' : `Accept and join ${name}`}
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={accept.isPending || decline.isPending}
          onClick={() => decline.mutate()}
          aria-label={`Decline the invitation to ${name}`}
        >
          {decline.isPending ? 'Declining…' : 'Decline'}
        </button>
      </div>
    </li>
  );
}

/** `/settings/invitations`: invitations to me (accept, decline) and, for admins, the ones this organization sent. */
export function MyInvitationsPage() {
  const { state } = useAuth();
  const mine = useApiQuery<{ items: MyInvitation[]; emailVerified: boolean }>(
    myInvitationsKey,
    '/v1/me/invitations',
    undefined,
    { poll: false },
  );
  const role = state.status === 'signed-in' ? state.role : null;
  const items = mine.data?.items;
  return (
    <>
      <div className="page-header">
        <h1>Invitations</h1>
      </div>
      <section className="section" aria-labelledby="to-me-title">
        <h2 id="to-me-title">Invitations to you</h2>
        {mine.error ? <ProblemBanner error={mine.error} onRetry={() => void mine.refetch()} /> : null}
        {mine.isPending ? (
          <p className="loading" role="status">
            Loading invitations…
          </p>
        ) : null}
        {mine.data && !mine.data.emailVerified ? (
          <div className="banner banner--info">
            <p>Verify your email address to see the invitations sent to it.</p>
            <ResendVerificationButton />
          </div>
        ) : null}
        {items && items.length === 0 && mine.data?.emailVerified ? (
          <p className="empty empty--inline">No pending invitations to you.</p>
        ) : null}
        {items && items.length > 0 ? (
          <ul className="invitation-cards">
            {items.map((invitation) => (
              <InvitationCard key={invitation.id} invitation={invitation} />
            ))}
          </ul>
        ) : null}
      </section>
      {role && canManageMembers(role) ? (
        <section aria-label="Sent by this organization">
          <InvitationsSection role={role} />
        </section>
      ) : null}
    </>
  );
}
