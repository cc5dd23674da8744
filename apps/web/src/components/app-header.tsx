'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useAuth } from '../lib/auth';
import { useLiveStatus } from '../lib/live';
import { useOpenIncidentCount } from '../lib/queries';
import { OrganizationSwitcher } from './organization-switcher';

const links = [
  { href: '/', label: 'Monitors' },
  { href: '/groups', label: 'Groups' },
  { href: '/incidents', label: 'Incidents' },
  { href: '/channels', label: 'Channels' },
  { href: '/escalation', label: 'Escalation' },
  { href: '/maintenance', label: 'Maintenance' },
  { href: '/rotations', label: 'Rotations' },
  { href: '/status-pages', label: 'Status pages' },
  { href: '/reports', label: 'Reports' },
  { href: '/settings/api-keys', label: 'API keys' },
  { href: '/settings/locations', label: 'Locations & probes' },
  { href: '/settings/members', label: 'Members' },
  { href: '/settings/invitations', label: 'Invitations' },
  { href: '/settings/usage', label: 'Usage' },
  { href: '/settings/account', label: 'Account' },
] as const;

function OpenIncidentsBadge() {
  const open = useOpenIncidentCount();
  if (!open || open.count === 0) return null;
  const shown = open.more ? `${open.count}+` : String(open.count);
  return (
    <span className="nav-badge" data-testid="open-incidents-badge">
      <span className="visually-hidden">, </span>
      {shown}
      <span className="visually-hidden"> open</span>
    </span>
  );
}

const liveLabels = {
  live: { text: 'Live', title: 'Changes appear as they happen' },
  connecting: { text: 'Connecting…', title: 'Opening the live update stream' },
  polling: { text: 'Polling', title: 'Live updates are unavailable; pages refresh every 10 s' },
} as const;

export function AppHeader() {
  const { state, logout } = useAuth();
  const live = useLiveStatus();
  const router = useRouter();
  const pathname = usePathname();
  const [leaving, setLeaving] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const nav = useRef<HTMLElement>(null);

  // A followed link closes the menu on phones.
  useEffect(() => {
    if (pathname) setMenuOpen(false);
  }, [pathname]);

  useEffect(() => {
    if (!menuOpen) return;
    nav.current?.querySelector('a')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

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
    <header className={`app-header${menuOpen ? ' app-header--menu-open' : ''}`}>
      <Link href="/" className="app-header__brand">
        SentinelMesh
      </Link>
      <button
        ref={menuButton}
        type="button"
        className="app-header__menu button button--secondary button--small"
        aria-expanded={menuOpen}
        aria-controls="main-navigation"
        onClick={() => setMenuOpen((open) => !open)}
      >
        Menu
        <OpenIncidentsBadge />
      </button>
      <nav id="main-navigation" ref={nav} aria-label="Main" className="app-header__nav">
        <ul>
          {links.map((link) => (
            <li key={link.href}>
              <Link href={link.href} aria-current={pathname === link.href ? 'page' : undefined}>
                {link.label}
                {link.href === '/incidents' ? <OpenIncidentsBadge /> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="app-header__account">
        <span className={`live-status live-status--${live}`} title={liveLabels[live].title}>
          {liveLabels[live].text}
        </span>
        {state.status === 'signed-in' ? (
          <span className="app-header__who">
            <span className="app-header__org">{state.organization.name}</span>
            <span className="muted">{state.user.email}</span>
          </span>
        ) : null}
        <OrganizationSwitcher />
        <button type="button" className="button button--secondary" onClick={onLogout} disabled={leaving}>
          {leaving ? 'Logging out…' : 'Log out'}
        </button>
      </div>
    </header>
  );
}
