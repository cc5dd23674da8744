'use client';

import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { apiRequest } from './api-client';
import type { AcceptedInvitation, AuthResponse, Me, Membership, Organization, Role, User } from './api-types';
import { Session } from './session';

export type AuthState =
  | { status: 'restoring' }
  | {
      status: 'signed-in';
      user: User;
      organization: Organization;
      /** Null until `GET /v1/me` has answered (login and signup do not return it). */
      role: Role | null;
      organizations: Membership[];
    }
  /** `next`: where to send the visitor instead of the login page (e.g. one with a notice). */
  | { status: 'signed-out'; next?: string }
  | { status: 'unavailable'; error: unknown };

export interface LoginInput {
  email: string;
  password: string;
  /** The organization to act in; the API's default is the first one joined. */
  organizationId?: string;
}

/** A new organization (`organizationName`), or the organization of an emailed invitation (`invitationToken`). */
export type SignupInput = Omit<LoginInput, 'organizationId'> &
  ({ organizationName: string } | { invitationToken: string });

interface AuthContextValue {
  state: AuthState;
  session: Session;
  login(input: LoginInput): Promise<void>;
  signup(input: SignupInput): Promise<void>;
  logout(): Promise<void>;
  /** Ends every session of the user (`POST /v1/auth/logout-all`), this one included; then to the login page. */
  logoutEverywhere(): Promise<void>;
  /** Forgets the session in this tab only, e.g. after a password reset revoked it on the API. */
  forget(next?: string): void;
  /** Acts in another organization of the user (`POST /v1/auth/switch`): the session proves who they are. */
  switchOrganization(organizationId: string): Promise<void>;
  /** Takes the session an accepted invitation answered with: signed in to the joined organization. */
  adopt(auth: AcceptedInvitation): void;
  /** Reads `GET /v1/me` again, e.g. once the email is verified. */
  reloadMe(): Promise<void>;
  /** Tries to restore the session from the refresh cookie again (after the API was unreachable). */
  restore(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

const UNAVAILABLE_RETRY_MS = 10_000;

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: 'restoring' });
  const [session] = useState(
    () =>
      new Session(() => {
        setState({ status: 'signed-out' });
        queryClient.clear();
      }),
  );

  const reloadMe = useCallback(async () => {
    const me = await session.request<Me>('/v1/me');
    setState({
      status: 'signed-in',
      user: me.user,
      organization: me.organization,
      role: me.role,
      organizations: me.organizations ?? [],
    });
  }, [session]);

  // Bumped by every sign-in and sign-out: a restore that began before one of them has nothing to say.
  const generation = useRef(0);
  const restore = useCallback(async () => {
    const began = generation.current;
    try {
      const outcome = await session.refresh();
      if (generation.current !== began) return;
      if (outcome === 'signed-out') {
        setState({ status: 'signed-out' });
        return;
      }
      await reloadMe();
    } catch (error) {
      if (generation.current !== began) return;
      setState((current) => (current.status === 'signed-out' ? current : { status: 'unavailable', error }));
    }
  }, [reloadMe, session]);

  // Strict mode mounts twice in development; restoring once keeps a rotating refresh token valid.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void restore();
  }, [restore]);

  useEffect(() => {
    if (state.status !== 'unavailable') return;
    const timer = setInterval(() => void restore(), UNAVAILABLE_RETRY_MS);
    return () => clearInterval(timer);
  }, [state.status, restore]);

  const signIn = useCallback(
    (auth: AuthResponse & { role?: Role }) => {
      generation.current += 1;
      session.setToken(auth.accessToken);
      queryClient.clear();
      setState((current) => ({
        status: 'signed-in',
        user: auth.user,
        organization: auth.organization,
        role: auth.role ?? null,
        // Same user (a switch): the list stays until /v1/me answers with it again.
        organizations:
          current.status === 'signed-in' && current.user.id === auth.user.id ? current.organizations : [],
      }));
      // The role and the other organizations come only from /v1/me; the pages work without them meanwhile.
      reloadMe().catch(() => undefined);
    },
    [session, queryClient, reloadMe],
  );

  const forget = useCallback(
    (next?: string) => {
      generation.current += 1;
      session.setToken(null);
      queryClient.clear();
      setState(next ? { status: 'signed-out', next } : { status: 'signed-out' });
    },
    [session, queryClient],
  );

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      session,
      restore,
      login: async (input) =>
        signIn(await apiRequest<AuthResponse>('/v1/auth/login', { method: 'POST', body: input })),
      signup: async (input) =>
        signIn(await apiRequest<AuthResponse>('/v1/auth/signup', { method: 'POST', body: input })),
      logout: async () => {
        try {
          await apiRequest<void>('/v1/auth/logout', { method: 'POST', token: session.accessToken });
        } finally {
          forget();
        }
      },
      logoutEverywhere: async () => {
        await session.request<void>('/v1/auth/logout-all', { method: 'POST' });
        forget('/login?notice=signed-out-everywhere');
      },
      switchOrganization: async (organizationId) =>
        signIn(
          await session.request<AuthResponse>('/v1/auth/switch', {
            method: 'POST',
            body: { organizationId },
          }),
        ),
      forget,
      adopt: signIn,
      reloadMe,
    }),
    [state, session, restore, signIn, forget, reloadMe],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
