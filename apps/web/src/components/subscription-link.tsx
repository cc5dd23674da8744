'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { describeError } from '../lib/api-client';
import { confirmSubscription, unsubscribe } from '../lib/status-page-comm';

const texts = {
  confirm: {
    title: 'Confirm your subscription',
    lead: 'You will get an email for each incident update of this status page.',
    button: 'Confirm subscription',
    busy: 'Confirming…',
    done: 'Subscribed. Every message has a link to unsubscribe.',
  },
  unsubscribe: {
    title: 'Unsubscribe',
    lead: 'You will get no more emails about this status page.',
    button: 'Unsubscribe',
    busy: 'Unsubscribing…',
    done: 'Unsubscribed. You will get no more emails about this status page.',
  },
} as const;

/**
 * Where emailed links land. The step is a button, not the page load: link scanners in mail
 * systems open links, and must not confirm or unsubscribe on a reader's behalf.
 */
export function SubscriptionLink({ slug, action }: { slug: string; action: 'confirm' | 'unsubscribe' }) {
  const token = useSearchParams().get('token');
  const [state, setState] = useState<{ kind: 'idle' | 'busy' | 'done' | 'error'; message?: string }>({
    kind: 'idle',
  });
  const text = texts[action];
  async function run() {
    if (!token) return;
    setState({ kind: 'busy' });
    try {
      if (action === 'confirm') await confirmSubscription(token);
      else await unsubscribe(token);
      setState({ kind: 'done' });
    } catch (error) {
      setState({ kind: 'error', message: describeError(error) });
    }
  }
  return (
    <div className="card">
      <h1>{text.title}</h1>
      {!token ? (
        <p className="banner banner--error" role="alert">
          This link is incomplete. Open the link from the email again.
        </p>
      ) : state.kind === 'done' ? (
        <p className="banner banner--success" role="status">
          {text.done}
        </p>
      ) : (
        <>
          <p>{text.lead}</p>
          {state.kind === 'error' ? (
            <p className="banner banner--error" role="alert">
              {state.message}
            </p>
          ) : null}
          <button
            type="button"
            className="button"
            disabled={state.kind === 'busy'}
            onClick={() => void run()}
          >
            {state.kind === 'busy' ? text.busy : text.button}
          </button>
        </>
      )}
      <p>
        <Link href={`/status/${encodeURIComponent(slug)}`}>Go to the status page</Link>
      </p>
    </div>
  );
}
