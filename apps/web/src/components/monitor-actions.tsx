'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { Monitor } from '../lib/api-types';
import { useCloneMonitor } from '../lib/monitor-list-queries';
import { useDeleteMonitor, useUpdateMonitor } from '../lib/queries';
import { CheckNowButton } from './check-now';
import { ConfirmButton } from './confirm-dialog';
import { ProblemBanner } from './problem-banner';

/** Edit, check now, clone, pause/resume and delete (after an explicit confirmation) for one monitor. */
export function MonitorActions({ monitor }: { monitor: Monitor }) {
  const router = useRouter();
  const update = useUpdateMonitor(monitor.id);
  const remove = useDeleteMonitor(monitor.id);
  const clone = useCloneMonitor();

  return (
    <div className="actions">
      <Link href={`/monitors/${encodeURIComponent(monitor.id)}/edit`} className="button button--secondary">
        Edit
      </Link>
      <CheckNowButton monitor={monitor} />
      <button
        type="button"
        className="button button--secondary"
        disabled={clone.isPending}
        onClick={() =>
          clone.mutate(monitor.id, {
            onSuccess: (copy) => router.push(`/monitors/${encodeURIComponent(copy.id)}/edit`),
          })
        }
      >
        {clone.isPending ? 'Cloning…' : 'Clone'}
      </button>
      <button
        type="button"
        className="button button--secondary"
        disabled={update.isPending}
        onClick={() => update.mutate({ paused: !monitor.paused })}
      >
        {monitor.paused ? 'Resume' : 'Pause'}
      </button>
      <ConfirmButton
        label={remove.isPending ? 'Deleting…' : 'Delete…'}
        small={false}
        disabled={remove.isPending}
        title={`Delete ${monitor.name}?`}
        confirmLabel="Delete monitor"
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => router.replace('/') })}
      >
        <p>Its checks, results and incidents are deleted too. This cannot be undone.</p>
      </ConfirmButton>
      {update.error ? <ProblemBanner error={update.error} /> : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {clone.error ? <ProblemBanner error={clone.error} /> : null}
    </div>
  );
}
