'use client';

import { canManageMembers } from '../lib/account-queries';
import type { Role } from '../lib/api-types';
import { useAuth } from '../lib/auth';
import { orgKeys, useApiMutation, useMembers } from '../lib/org-queries';
import { ConfirmButton } from './confirm-dialog';
import { InvitationsSection } from './invitations-section';
import { ProblemBanner } from './problem-banner';
import { roles } from './role-select';
import { TableScroll } from './table-scroll';

const memberPath = (m: { userId: string }) => `/v1/members/${encodeURIComponent(m.userId)}`;

export function MembersPage() {
  const { state } = useAuth();
  const members = useMembers();
  const change = useApiMutation<{ userId: string; role: Role }>(
    'PATCH',
    memberPath,
    [orgKeys.members],
    ({ role }) => ({
      role,
    }),
  );
  const remove = useApiMutation<{ userId: string }>('DELETE', memberPath, [orgKeys.members]);
  const me = state.status === 'signed-in' ? state.user.id : null;
  // Null until /v1/me answers, just after a login.
  const role = state.status === 'signed-in' ? state.role : null;
  const items = members.data?.items;
  return (
    <>
      <div className="page-header">
        <h1>Members and roles</h1>
      </div>
      {members.error ? <ProblemBanner error={members.error} onRetry={() => void members.refetch()} /> : null}
      {change.error ? <ProblemBanner error={change.error} /> : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {members.isPending ? (
        <p className="loading" role="status">
          Loading members…
        </p>
      ) : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="members-caption">
          <table className="table">
            <caption id="members-caption">Members of this organization</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.userId}>
                  <th scope="row">
                    {m.email}
                    {m.userId === me ? <span className="muted"> (you)</span> : null}
                  </th>
                  <td>
                    {m.userId === me ? (
                      m.role
                    ) : (
                      <>
                        <label className="visually-hidden" htmlFor={`role-${m.userId}`}>
                          Role of {m.email}
                        </label>
                        <select
                          id={`role-${m.userId}`}
                          value={m.role}
                          onChange={(e) => change.mutate({ userId: m.userId, role: e.target.value as Role })}
                        >
                          {roles.map((r) => (
                            <option key={r.value} value={r.value}>
                              {r.value}
                            </option>
                          ))}
                        </select>
                      </>
                    )}
                  </td>
                  <td>
                    {m.userId === me ? null : (
                      <ConfirmButton
                        label="Remove"
                        item={m.email}
                        title={`Remove ${m.email} from this organization?`}
                        confirmLabel="Remove member"
                        onConfirm={() => remove.mutate({ userId: m.userId })}
                      >
                        <p>They lose access at once; an invitation brings them back.</p>
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {role && canManageMembers(role) ? <InvitationsSection role={role} /> : null}
      {role && !canManageMembers(role) ? (
        <p className="lead section">Admins and owners invite new members.</p>
      ) : null}
    </>
  );
}
