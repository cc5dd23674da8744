'use client';

import { useState } from 'react';
import { useInvitations, useInvite, useRevokeInvitation } from '../lib/account-queries';
import type { Invitation, Role } from '../lib/api-types';
import { EMPTY, formatDateTime } from '../lib/format';
import { ConfirmButton } from './confirm-dialog';
import { Field } from './field';
import { FormProblems, ProblemBanner } from './problem-banner';
import { RoleField } from './role-select';
import { TableScroll } from './table-scroll';
import { useSimpleForm } from './use-simple-form';

const invitationStatusLabels: Record<Invitation['status'], string> = {
  pending: 'Pending',
  accepted: 'Accepted',
  revoked: 'Revoked',
  expired: 'Expired',
};

function InviteMemberForm({ role: myRole }: { role: Role }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const invite = useInvite();
  const form = useSimpleForm({
    idPrefix: 'invite',
    fields: ['email', 'role'] as const,
    check: () => (/^\S+@\S+$/.test(email.trim()) ? {} : { email: 'Enter an email address' }),
    submit: async () => {
      setSentTo(null);
      const invitation = await invite.mutateAsync({ email: email.trim(), role });
      setSentTo(invitation.email);
      setEmail('');
    },
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="invite-title">
      <h2 id="invite-title">Invite member</h2>
      <FormProblems messages={form.formErrors} />
      {sentTo ? (
        <p className="banner banner--success" role="status">
          Invitation sent to {sentTo}.
        </p>
      ) : null}
      <Field
        id="invite-email"
        label="Email"
        hint="They get a link, valid for 7 days, and join once they accept it with this verified address."
        error={form.errors.email}
      >
        {(c) => <input {...c} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <RoleField
        id="invite-role"
        value={role}
        onChange={setRole}
        error={form.errors.role}
        allowOwner={myRole === 'owner'}
      />
      <button type="submit" className="button" disabled={invite.isPending}>
        {invite.isPending ? 'Sending…' : 'Send invitation'}
      </button>
    </form>
  );
}

/** Invitations still open or lapsed; accepted ones show up as members, revoked ones are gone. */
const shown = (invitation: Invitation) => invitation.status === 'pending' || invitation.status === 'expired';

export function InvitationsSection({ role }: { role: Role }) {
  const invitations = useInvitations();
  const revoke = useRevokeInvitation();
  const items = invitations.data?.items.filter(shown);
  return (
    <>
      <div className="section">
        {invitations.error ? (
          <ProblemBanner error={invitations.error} onRetry={() => void invitations.refetch()} />
        ) : null}
        {revoke.error ? <ProblemBanner error={revoke.error} /> : null}
        {items && items.length === 0 ? (
          <>
            <h2 id="invitations-caption">Pending invitations</h2>
            <p className="empty empty--inline">No pending invitations.</p>
          </>
        ) : null}
        {items && items.length > 0 ? (
          <TableScroll labelledBy="invitations-caption">
            <table className="table">
              <caption id="invitations-caption">Pending invitations</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Invited by</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((invitation) => (
                  <tr key={invitation.id}>
                    <th scope="row">{invitation.email}</th>
                    <td>{invitation.role}</td>
                    <td>{invitationStatusLabels[invitation.status]}</td>
                    <td>
                      <time dateTime={invitation.expiresAt}>{formatDateTime(invitation.expiresAt)}</time>
                    </td>
                    <td>{invitation.invitedBy?.email ?? EMPTY}</td>
                    <td>
                      {invitation.status === 'pending' ? (
                        <ConfirmButton
                          label="Revoke"
                          item={invitation.email}
                          title={`Revoke the invitation to ${invitation.email}?`}
                          confirmLabel="Revoke invitation"
                          onConfirm={() => revoke.mutate({ id: invitation.id })}
                        >
                          <p>The emailed link stops working.</p>
                        </ConfirmButton>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : null}
      </div>
      <InviteMemberForm role={role} />
    </>
  );
}
