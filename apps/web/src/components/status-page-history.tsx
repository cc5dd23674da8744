'use client';

import Link from 'next/link';
import { useState } from 'react';
import { ApiError } from '../lib/api-client';
import { usePublicHistory } from '../lib/status-page-comm';
import { ProblemBanner } from './problem-banner';
import { PublicIncident } from './status-page-incidents';

/** The incidents of the last 90 days, newest first, a page at a time. */
export function StatusPageHistory({ slug }: { slug: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const history = usePublicHistory(slug, cursor);
  const back = `/status/${encodeURIComponent(slug)}`;
  if (history.error instanceof ApiError && history.error.status === 404) {
    return (
      <div className="empty">
        <h1>Status page not found</h1>
        <p>Check the address.</p>
      </div>
    );
  }
  const items = history.data?.items;
  const next = history.data?.nextCursor ?? null;
  return (
    <>
      <h1>Incident history</h1>
      <p>
        <Link href={back}>Back to the current status</Link>
      </p>
      {history.error ? <ProblemBanner error={history.error} onRetry={() => void history.refetch()} /> : null}
      {history.isPending ? (
        <p className="loading" role="status">
          Loading history…
        </p>
      ) : null}
      {items && items.length === 0 ? (
        <p className="empty empty--inline">No incidents in the last 90 days.</p>
      ) : null}
      {items?.map((incident) => (
        <PublicIncident key={incident.id} incident={incident} level={2} />
      ))}
      <div className="form__actions">
        {cursors.length > 1 ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Newer incidents
          </button>
        ) : null}
        {next ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => setCursors([...cursors, next])}
          >
            Older incidents
          </button>
        ) : null}
      </div>
    </>
  );
}
