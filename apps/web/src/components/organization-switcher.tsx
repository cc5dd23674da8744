'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { describeError } from '../lib/api-client';
import { useAuth } from '../lib/auth';

/** In the header, for a user in several organizations: act in another one, without a password. */
export function OrganizationSwitcher() {
  const { state, switchOrganization } = useAuth();
  const router = useRouter();
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (state.status !== 'signed-in' || state.organizations.length < 2) return null;
  const current = state.organization.id;
  const target = chosen || current;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (target === current) return;
    setBusy(true);
    setError(null);
    try {
      await switchOrganization(target);
      setChosen('');
      router.push('/');
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="org-switcher" onSubmit={onSubmit} aria-label="Switch organization">
      <label htmlFor="org-switcher-select" className="visually-hidden">
        Current organization
      </label>
      <select id="org-switcher-select" value={target} onChange={(e) => setChosen(e.target.value)}>
        {state.organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name} ({o.role})
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="button button--secondary button--small"
        disabled={busy || target === current}
      >
        {busy ? 'Switching…' : 'Switch'}
        <span className="visually-hidden"> organization</span>
      </button>
      {error ? (
        <span className="org-switcher__error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}
