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
import type { AuthResponse, Me, Organization, Role, User } from './api-types';
import { Session } from './session';

export type AuthState =
  | { status: 'restoring' }
  | { status: 'signed-in'; user: User; organization: Organization; role: Role | null }
  | { status: 'signed-out' }
  | { status: 'unavailable'; error: unknown };

export interface LoginInput {
  email: string;
  password: string;
}

export interface SignupInput extends LoginInput {
  organizationName: string;
}

interface AuthContextValue {
  state: AuthState;
  session: Session;
  login(input: LoginInput): Promise<void>;
  signup(input: SignupInput): Promise<void>;
  logout(): Promise<void>;
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

  const restore = useCallback(async () => {
    try {
      if ((await session.refresh()) === 'signed-out') {
        setState({ status: 'signed-out' });
        return;
      }
      const me = await session.request<Me>('/v1/me');
      setState({ status: 'signed-in', user: me.user, organization: me.organization, role: me.role });
    } catch (error) {
      setState((current) => (current.status === 'signed-out' ? current : { status: 'unavailable', error }));
    }
  }, [session]);

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
    (auth: AuthResponse) => {
      session.setToken(auth.accessToken);
      setState({ status: 'signed-in', user: auth.user, organization: auth.organization, role: null });
    },
    [session],
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
          session.setToken(null);
          queryClient.clear();
          setState({ status: 'signed-out' });
        }
      },
    }),
    [state, session, restore, signIn, queryClient],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
