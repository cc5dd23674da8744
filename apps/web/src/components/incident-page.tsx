'use client';

import { hasRole } from '@sentinelmesh/core';
import Link from 'next/link';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../lib/api-client';
import type { IncidentDetail } from '../lib/api-types';
import { useAuth } from '../lib/auth';
import { formatDateTime, formatDuration } from '../lib/format';
import { useAcknowledgeIncident, useIncident, useUpdateIncidentNote } from '../lib/queries';
import { EscalationTimelineSection } from './escalation-timeline';
import { acknowledgerName, IncidentTimeline } from './incident-timeline';
import { ProblemBanner } from './problem-banner';
import { OutcomeBadge } from './status-badge';

/** The longest note the API keeps. */
const NOTE_MAX = 10_000;

function Summary({ incident, canWrite }: { incident: IncidentDetail; canWrite: boolean }) {
  const acknowledge = useAcknowledgeIncident();
  const duration = formatDuration(incident.durationSeconds * 1000);
  return (
    <>
      {acknowledge.error ? <ProblemBanner error={acknowledge.error} /> : null}
      <dl className="settings">
        <div className="settings__row">
          <dt>Monitor</dt>
          <dd>
            <Link href={`/monitors/${encodeURIComponent(incident.monitor.id)}`}>{incident.monitor.name}</Link>
          </dd>
        </div>
        <div className="settings__row">
          <dt>Opened</dt>
          <dd>{formatDateTime(incident.openedAt)}</dd>
        </div>
        <div className="settings__row">
          <dt>Resolved</dt>
          <dd>{incident.resolvedAt ? formatDateTime(incident.resolvedAt) : 'not yet'}</dd>
        </div>
        <div className="settings__row">
          <dt>Duration</dt>
          <dd>{incident.status === 'open' ? `${duration} so far` : duration}</dd>
        </div>
        <div className="settings__row">
          <dt>Acknowledged</dt>
          <dd>
            {incident.acknowledgedAt ? (
              `by ${acknowledgerName(incident.acknowledger)}, ${formatDateTime(incident.acknowledgedAt)}`
            ) : incident.status === 'open' && canWrite ? (
              <button
                type="button"
                className="button button--small"
                disabled={acknowledge.isPending}
                onClick={() => acknowledge.mutate(incident.id)}
              >
                Acknowledge
              </button>
            ) : (
              'no'
            )}
          </dd>
        </div>
      </dl>
    </>
  );
}

/** An incident whose alerts were held because a parent was down (ADR 0036). */
function Suppression({ incident }: { incident: IncidentDetail }) {
  if (!incident.suppressedBy) return null;
  return (
    <p className="banner banner--warning" data-testid="incident-suppressed">
      Suppressed: {incident.suppressedBy}.{' '}
      {incident.releasedAt
        ? `Its alerts went out at ${formatDateTime(incident.releasedAt)}, when the parent was up again and this monitor was still down.`
        : 'Its alerts were held and not sent.'}
    </p>
  );
}

function Cause({ incident }: { incident: IncidentDetail }) {
  const { explanation } = incident;
  return (
    <section aria-labelledby="cause-title" className="section">
      <h2 id="cause-title">Cause</h2>
      {explanation ? (
        <>
          <p className="cause">{explanation.text}</p>
          {explanation.failedRules.length > 0 ? (
            <>
              <h3>Failed rules</h3>
              <ul className="cause__rules">
                {explanation.failedRules.map((rule) => (
                  <li key={rule}>{rule}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : (
        <p className="cause">{incident.cause ?? 'No failed check is recorded for this incident.'}</p>
      )}
    </section>
  );
}

function NoteEditor({ incident, canWrite }: { incident: IncidentDetail; canWrite: boolean }) {
  const save = useUpdateIncidentNote(incident.id);
  const [text, setText] = useState(incident.note ?? '');
  const [saved, setSaved] = useState(false);
  // A note written elsewhere shows up here unless this one is being edited.
  const stored = incident.note ?? '';
  const [base, setBase] = useState(stored);
  useEffect(() => {
    if (stored !== base && text === base) setText(stored);
    setBase(stored);
  }, [stored, base, text]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    save.mutate(text.trim() === '' ? null : text, { onSuccess: () => setSaved(true) });
  }

  return (
    <section aria-labelledby="note-title" className="section">
      <h2 id="note-title">Post-mortem note</h2>
      {save.error ? <ProblemBanner error={save.error} /> : null}
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="incident-note">What happened, and what will change</label>
          <textarea
            id="incident-note"
            rows={6}
            maxLength={NOTE_MAX}
            value={text}
            readOnly={!canWrite}
            aria-describedby="incident-note-hint"
            onChange={(e) => {
              setText(e.target.value);
              setSaved(false);
            }}
          />
          <p id="incident-note-hint" className="field__hint">
            {text.length.toLocaleString()} of {NOTE_MAX.toLocaleString()} characters.
            {incident.noteUpdatedAt
              ? ` Last saved ${formatDateTime(incident.noteUpdatedAt)}${incident.noteUpdatedBy ? ` by ${incident.noteUpdatedBy}` : ''}.`
              : ''}
          </p>
        </div>
        {canWrite ? (
          <button type="submit" className="button" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save note'}
          </button>
        ) : null}
        {saved ? (
          <p role="status" className="muted">
            Note saved.
          </p>
        ) : null}
      </form>
    </section>
  );
}

export function IncidentPage({ id }: { id: string }) {
  const query = useIncident(id);
  const { state } = useAuth();
  const incident = query.data;
  // Until /v1/me answers, offer the actions; the API still refuses a viewer with a clear problem.
  const role = state.status === 'signed-in' ? state.role : null;
  const canWrite = role === null || hasRole(role, 'member');

  if (query.error instanceof ApiError && query.error.status === 404) {
    return (
      <div className="empty">
        <h1>Incident not found</h1>
        <p>It may have been deleted with its monitor, or it belongs to another organization.</p>
        <Link href="/incidents" className="button">
          Back to incidents
        </Link>
      </div>
    );
  }

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/incidents">Incidents</Link> <span aria-hidden="true">/</span>{' '}
        <span>{incident?.monitor.name ?? 'Incident'}</span>
      </nav>
      {query.error ? <ProblemBanner error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.isPending ? (
        <p className="loading" role="status">
          Loading incident…
        </p>
      ) : null}
      {incident ? (
        <>
          <div className="page-header">
            <h1>Incident: {incident.monitor.name}</h1>
            <p className="page-header__status">
              <OutcomeBadge
                ok={incident.status === 'resolved'}
                label={incident.status === 'open' ? 'Open' : 'Resolved'}
              />
            </p>
          </div>
          <Summary incident={incident} canWrite={canWrite} />
          <Suppression incident={incident} />
          <Cause incident={incident} />
          <section aria-labelledby="timeline-title" className="section">
            <h2 id="timeline-title">Timeline</h2>
            <IncidentTimeline events={incident.timeline.events} />
          </section>
          <EscalationTimelineSection incidentId={incident.id} />
          <NoteEditor key={incident.id} incident={incident} canWrite={canWrite} />
        </>
      ) : null}
    </>
  );
}
