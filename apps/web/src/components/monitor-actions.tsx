'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { Monitor } from '../lib/api-types';
import { useDeleteMonitor, useUpdateMonitor } from '../lib/queries';
import { ProblemBanner } from './problem-banner';

/** Edit, pause/resume and delete (after an explicit confirmation) for one monitor. */
export function MonitorActions({ monitor }: { monitor: Monitor }) {
  const router = useRouter();
  const update = useUpdateMonitor(monitor.id);
  const remove = useDeleteMonitor(monitor.id);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  return (
    <div className="actions">
      <Link href={`/monitors/${encodeURIComponent(monitor.id)}/edit`} className="button button--secondary">
        Edit
      </Link>
      <button
        type="button"
        className="button button--secondary"
        disabled={update.isPending}
        onClick={() => update.mutate({ paused: !monitor.paused })}
      >
        {monitor.paused ? 'Resume' : 'Pause'}
      </button>
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-delete-text">
          <p id="confirm-delete-text">
            Delete <strong>{monitor.name}</strong> and its history? This cannot be undone.
          </p>
          <button
            ref={confirmRef}
            type="button"
            className="button button--danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate(undefined, { onSuccess: () => router.replace('/') })}
          >
            {remove.isPending ? 'Deleting…' : 'Yes, delete'}
          </button>
          <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setConfirming(true)}>
          Delete…
        </button>
      )}
      {update.error ? <ProblemBanner error={update.error} /> : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
    </div>
  );
}
