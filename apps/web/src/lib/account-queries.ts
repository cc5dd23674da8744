'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import type { Invitation, InvitationPreview, Page, Role, Usage } from './api-types';
import { useAuth } from './auth';
import { byId, orgKeys, useApiMutation } from './org-queries';
import { useApiQuery } from './queries';

export const accountKeys = {
  invitations: ['invitations'] as const,
  usage: ['usage'] as const,
  invitationPreview: (token: string) => ['invitation-preview', token] as const,
};

export const canManageMembers = (role: Role): boolean => role === 'admin' || role === 'owner';

export const useInvitations = () =>
  useApiQuery<Page<Invitation>>(accountKeys.invitations, '/v1/invitations', { limit: 200 });

export const useInvite = () =>
  useApiMutation<{ email: string; role: Role }, Invitation>('POST', () => '/v1/members', [
    accountKeys.invitations,
    orgKeys.members,
  ]);

export const useRevokeInvitation = () =>
  useApiMutation<{ id: string }>('DELETE', byId('/v1/invitations'), [accountKeys.invitations]);

export const useUsage = () => useApiQuery<Usage>(accountKeys.usage, '/v1/usage');

/** What an invitation link offers; public, so it needs no session. 404: used, revoked or expired. */
export function useInvitationPreview(token: string | null) {
  return useQuery({
    queryKey: accountKeys.invitationPreview(token ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<InvitationPreview>(`/v1/invitations/${encodeURIComponent(token ?? '')}`, { signal }),
    enabled: Boolean(token),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Sends the verification email again to the signed-in user (rate-limited by the API). */
export function useResendVerification() {
  const { session } = useAuth();
  return useMutation({
    mutationFn: () => session.request<void>('/v1/auth/verify-email/resend', { method: 'POST' }),
  });
}

/** Public account calls made from a link in an email: no session involved. */
export const accountRequests = {
  verifyEmail: (token: string) =>
    apiRequest<unknown>('/v1/auth/verify-email', { method: 'POST', body: { token } }),
  requestPasswordReset: (email: string) =>
    apiRequest<void>('/v1/auth/password-reset', { method: 'POST', body: { email } }),
  confirmPasswordReset: (token: string, password: string) =>
    apiRequest<void>('/v1/auth/password-reset/confirm', { method: 'POST', body: { token, password } }),
};
