'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useState } from 'react';
import { useAuth } from '../lib/auth';

const links = [
  { href: '/', label: 'Monitors' },
  { href: '/incidents', label: 'Incidents' },
  { href: '/channels', label: 'Channels' },
  { href: '/maintenance', label: 'Maintenance' },
  { href: '/status-pages', label: 'Status pages' },
  { href: '/settings/api-keys', label: 'API keys' },
  { href: '/settings/members', label: 'Members' },
  { href: '/settings/usage', label: 'Usage' },
  { href: '/settings/account', label: 'Account' },
] as const;

export function AppHeader() {
  const { state, logout } = useAuth();
  const router = useRouter();
  const pathname = usePathname();
  const [leaving, setLeaving] = useState(false);

  async function onLogout() {
    setLeaving(true);
    try {
      await logout();
    } catch {
      // The in-memory session is gone either way. If the API was unreachable, its refresh cookie
      // survives, so the next page load may sign this browser in again.
    }
    router.replace('/login');
  }

  return (
    <header className="app-header">
      <Link href="/" className="app-header__brand">
        SentinelMesh
      </Link>
      <nav aria-label="Main" className="app-header__nav">
        <ul>
          {links.map((link) => (
            <li key={link.href}>
              <Link href={link.href} aria-current={pathname === link.href ? 'page' : undefined}>
                {link.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="app-header__account">
        {state.status === 'signed-in' ? (
          <span className="app-header__who">
            <span className="app-header__org">{state.organization.name}</span>
            <span className="muted">{state.user.email}</span>
          </span>
        ) : null}
        <button type="button" className="button button--secondary" onClick={onLogout} disabled={leaving}>
          {leaving ? 'Logging out…' : 'Log out'}
        </button>
      </div>
    </header>
  );
}
