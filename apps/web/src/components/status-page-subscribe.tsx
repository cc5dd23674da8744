'use client';

import Link from 'next/link';
import { type FormEvent, useId, useState } from 'react';
import { describeError } from '../lib/api-client';
import { feedUrl, subscribe } from '../lib/status-page-comm';

/** Below a public page: email subscription (double opt-in), the feed and the history. */
export function StatusPageSubscribe({ slug }: { slug: string }) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [state, setState] = useState<{ kind: 'idle' | 'sending' | 'sent' | 'error'; message?: string }>({
    kind: 'idle',
  });
  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) {
      setState({ kind: 'error', message: 'Enter an email address, like name@example.com.' });
      return;
    }
    setState({ kind: 'sending' });
    try {
      await subscribe(slug, email.trim());
      setState({ kind: 'sent' });
      setEmail('');
    } catch (error) {
      setState({ kind: 'error', message: describeError(error) });
    }
  }
  const errorId = `${id}-error`;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      {/* React places this in the document head: feed readers find the page's feed. */}
      <link rel="alternate" type="application/atom+xml" title="Incident updates" href={feedUrl(slug)} />
      <h2 id={`${id}-title`}>Get updates</h2>
      <form className="form form--inline" onSubmit={onSubmit} noValidate>
        <div className={state.kind === 'error' ? 'field field--invalid' : 'field'}>
          <label htmlFor={`${id}-email`}>Email address</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={state.kind === 'error' ? true : undefined}
            aria-describedby={state.kind === 'error' ? errorId : undefined}
          />
          {state.kind === 'error' ? (
            <p id={errorId} className="field__error">
              {state.message}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button" disabled={state.kind === 'sending'}>
          {state.kind === 'sending' ? 'Subscribing…' : 'Subscribe'}
        </button>
      </form>
      {state.kind === 'sent' ? (
        <p className="banner banner--success" role="status">
          Check your inbox: follow the link we sent to confirm. Nothing else is sent until you do.
        </p>
      ) : null}
      <p className="muted">
        <a href={feedUrl(slug)}>Atom feed</a> ·{' '}
        <Link href={`/status/${encodeURIComponent(slug)}/history`}>Incident history</Link>
      </p>
    </section>
  );
}
