'use client';

import { useState } from 'react';
import type { Monitor } from '../lib/api-types';
import { type BulkAction, type BulkResult, useBulkAction } from '../lib/monitor-list-queries';
import { ConfirmButton } from './confirm-dialog';
import { ProblemBanner } from './problem-banner';

const done: Record<BulkAction, string> = { pause: 'Paused', resume: 'Resumed', delete: 'Deleted' };

/** "Paused 3 monitors; 1 failed: …" from the per-monitor outcomes. */
export function bulkSummary(result: BulkResult, names: ReadonlyMap<string, string>): string {
  const changed = result.results.filter((r) => ['paused', 'resumed', 'deleted'].includes(r.outcome));
  const unchanged = result.results.filter((r) => r.outcome === 'unchanged').length;
  const gone = result.results.filter((r) => r.outcome === 'not_found').length;
  const failed = result.results.filter((r) => r.outcome === 'failed');
  const parts = [`${done[result.action]} ${changed.length} monitor${changed.length === 1 ? '' : 's'}`];
  if (unchanged > 0) parts.push(`${unchanged} already ${result.action === 'pause' ? 'paused' : 'running'}`);
  if (gone > 0) parts.push(`${gone} no longer there`);
  for (const f of failed) parts.push(`${names.get(f.id) ?? f.id} failed: ${f.error ?? 'refused'}`);
  return `${parts.join('; ')}.`;
}

/** Acts on the selected monitors at once: pause, resume, delete (after a confirmation). */
export function BulkBar(props: { monitors: Monitor[]; selected: ReadonlySet<string>; onDone: () => void }) {
  const bulk = useBulkAction();
  const [summary, setSummary] = useState<string | null>(null);
  const ids = props.monitors.filter((m) => props.selected.has(m.id)).map((m) => m.id);
  const names = new Map(props.monitors.map((m) => [m.id, m.name]));
  const run = (action: BulkAction) =>
    bulk.mutate(
      { action, ids },
      {
        onSuccess: (result) => {
          setSummary(bulkSummary(result, names));
          props.onDone();
        },
      },
    );
  const count = ids.length;
  return (
    <section className="bulk-bar" aria-label="Act on the selected monitors">
      <p role="status">
        {count > 0
          ? `${count} selected`
          : (summary ?? 'Select monitors to pause, resume or delete them together.')}
      </p>
      {count > 0 ? (
        <>
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={bulk.isPending}
            onClick={() => run('pause')}
          >
            Pause selected
          </button>
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={bulk.isPending}
            onClick={() => run('resume')}
          >
            Resume selected
          </button>
          <ConfirmButton
            label="Delete selected…"
            title={`Delete ${count} monitor${count === 1 ? '' : 's'}?`}
            confirmLabel={`Delete ${count} monitor${count === 1 ? '' : 's'}`}
            disabled={bulk.isPending}
            onConfirm={() => run('delete')}
          >
            <p>Their checks, results and incidents are deleted too. This cannot be undone.</p>
          </ConfirmButton>
        </>
      ) : null}
      {bulk.error ? <ProblemBanner error={bulk.error} /> : null}
    </section>
  );
}
