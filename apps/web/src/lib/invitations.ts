import { ApiError } from './api-client';

/** Why accepting an invitation failed, as far as the person holding the link can act on it. */
export type AcceptFailure = 'unverified' | 'wrong-address' | 'gone' | 'already-member';

/**
 * Reads the API's answer to `POST /v1/invitations/:token/accept`: 403 is either an unverified email
 * or another address (told apart by the problem's detail), 404 a used, revoked or expired token.
 */
export function acceptFailure(error: unknown): AcceptFailure | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 403)
    return /verif/i.test(`${error.detail ?? ''} ${error.title}`) ? 'unverified' : 'wrong-address';
  if (error.status === 404 || error.code === 'invalid_token') return 'gone';
  if (error.status === 409) return 'already-member';
  return null;
}

export const acceptFailureMessages: Record<AcceptFailure, string> = {
  unverified: 'Verify your email address first: open the link we emailed you, then accept the invitation.',
  'wrong-address': 'This invitation is for another email address. Log in with that address to accept it.',
  gone: 'This invitation link is no longer valid: it was used, revoked, or it expired. Ask an admin of the organization to invite you again.',
  'already-member': 'You are already a member of this organization.',
};

/** Email addresses compare without case, as the API compares them. */
export function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Where the visitor returns after logging in or signing up from an invitation link. */
export function invitationPath(token: string): string {
  return `/invitations/accept?token=${encodeURIComponent(token)}`;
}

/** The signup page for the person an invitation link was sent to: they join its organization. */
export function invitedSignupPath(token: string): string {
  return `/signup?invitation=${encodeURIComponent(token)}`;
}

/** Reads the API's refusal of a signup with an invitation token, as acceptFailure does for accepting. */
export function invitedSignupFailure(error: ApiError): string | null {
  if (error.code === 'invalid_token') return acceptFailureMessages.gone;
  if (error.status === 403)
    return 'This invitation is for another email address. Sign up with the invited address.';
  return null;
}
