import type { ReactNode } from 'react';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="page page--auth">
      <p className="auth-brand">SentinelMesh</p>
      {children}
    </main>
  );
}
