'use client';

import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useEffect } from 'react';
import { useAuth } from '../lib/auth';
import { loginPath } from '../lib/navigation';
import { ProblemBanner } from './problem-banner';

/** Renders its children only with a session; sends the visitor to /login when there is none. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, restore } = useAuth();
  const router = useRouter();
  const pathname = usePathname();

  const next = state.status === 'signed-out' ? (state.next ?? loginPath(pathname)) : null;
  useEffect(() => {
    if (next) router.replace(next);
  }, [next, router]);

  if (state.status === 'signed-in') return children;
  if (state.status === 'unavailable') {
    return (
      <main id="main" className="page page--narrow">
        <h1>SentinelMesh</h1>
        <ProblemBanner
          error={state.error}
          note="Your session will be restored as soon as the API answers."
          onRetry={() => void restore()}
        />
      </main>
    );
  }
  return (
    <main id="main" className="page page--narrow">
      <p className="loading" role="status">
        {state.status === 'signed-out' ? 'Redirecting to sign in…' : 'Loading…'}
      </p>
    </main>
  );
}
