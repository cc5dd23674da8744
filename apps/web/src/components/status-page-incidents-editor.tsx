'use client';

import { useState } from 'react';
import type { StatusPage } from '../lib/api-types';
import {
  impactLabels,
  incidentStatusLabels,
  type PageIncident,
  type PageIncidentImpact,
  type PageIncidentStatus,
  usePageIncidents,
  usePostIncident,
  usePostUpdate,
} from '../lib/status-page-comm';
import { ErrorSummary, Field } from './field';
import { ProblemBanner } from './problem-banner';
import { useSimpleForm } from './use-simple-form';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const statuses = Object.keys(incidentStatusLabels) as PageIncidentStatus[];
const impacts = Object.keys(impactLabels) as PageIncidentImpact[];

/** Posts an update to one incident; "Resolve" is an update with the status resolved. */
function UpdateForm({ pageId, incident }: { pageId: string; incident: PageIncident }) {
  const prefix = `upd-${incident.id}`;
  const [status, setStatus] = useState<PageIncidentStatus>(
    incident.status === 'resolved' ? 'monitoring' : incident.status,
  );
  const [message, setMessage] = useState('');
  const post = usePostUpdate(pageId);
  const form = useSimpleForm({
    idPrefix: prefix,
    fields: ['status', 'message'] as const,
    labels: { status: 'Status', message: 'Update' },
    check: () => (message.trim() ? {} : { message: 'Say what changed' }),
    submit: async () => {
      const sent = message;
      await post.mutateAsync({ incidentId: incident.id, status, message: sent.trim() });
      // The list shows the update before this resolves: keep whatever was typed since.
      setMessage((current) => (current === sent ? '' : current));
    },
  });
  return (
    <form className="form" onSubmit={form.onSubmit} noValidate aria-label={`Update ${incident.title}`}>
      <ErrorSummary messages={form.formErrors} problems={form.problems} />
      <Field id={`${prefix}-status`} label="Status" error={form.errors.status}>
        {(c) => (
          <select {...c} value={status} onChange={(e) => setStatus(e.target.value as PageIncidentStatus)}>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {incidentStatusLabels[s]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${prefix}-message`} label="Update" error={form.errors.message}>
        {(c) => <textarea {...c} rows={3} value={message} onChange={(e) => setMessage(e.target.value)} />}
      </Field>
      <div className="form__actions">
        <button type="submit" className="button" disabled={post.isPending}>
          {post.isPending ? 'Posting…' : 'Post update'}
        </button>
      </div>
    </form>
  );
}

/** The page's components a posted incident may name as affected (those saved, with an id). */
function AffectedComponents({
  components,
  value,
  onChange,
}: {
  components: StatusPage['components'];
  value: string[];
  onChange: (ids: string[]) => void;
}) {
  const saved = components.filter((c): c is typeof c & { id: string } => typeof c.id === 'string');
  if (saved.length === 0) return null;
  return (
    <fieldset className="field">
      <legend>Affected components</legend>
      <ul className="checklist">
        {saved.map((component) => (
          <li key={component.id}>
            <label>
              <input
                type="checkbox"
                checked={value.includes(component.id)}
                onChange={(e) =>
                  onChange(
                    e.target.checked ? [...value, component.id] : value.filter((id) => id !== component.id),
                  )
                }
              />{' '}
              {component.name}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function NewIncidentForm({ page }: { page: StatusPage }) {
  const pageId = page.id;
  const [title, setTitle] = useState('');
  const [componentIds, setComponentIds] = useState<string[]>([]);
  const [impact, setImpact] = useState<PageIncidentImpact>('partial_outage');
  const [message, setMessage] = useState('');
  const create = usePostIncident(pageId);
  const [notice, setNotice] = useState<string | null>(null);
  const form = useSimpleForm({
    idPrefix: 'pi',
    fields: ['title', 'impact', 'message'] as const,
    labels: { title: 'Incident title', impact: 'Impact', message: 'First update' },
    check: () => {
      const errors: Partial<Record<'title' | 'impact' | 'message', string>> = {};
      if (!title.trim()) errors.title = 'Required';
      if (!message.trim()) errors.message = 'Say what is happening';
      return errors;
    },
    submit: async () => {
      const sent = { title, message };
      await create.mutateAsync({ title: title.trim(), impact, componentIds, message: message.trim() });
      setNotice(`Posted incident ${sent.title.trim()}.`);
      // The list shows the incident before this resolves: keep whatever was typed since.
      setTitle((current) => (current === sent.title ? '' : current));
      setMessage((current) => (current === sent.message ? '' : current));
    },
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="pi-form-title">
      <h3 id="pi-form-title">Post an incident</h3>
      {notice ? (
        <p className="banner banner--success" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorSummary messages={form.formErrors} problems={form.problems} />
      <Field id="pi-title" label="Incident title" error={form.errors.title}>
        {(c) => <input {...c} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <Field id="pi-impact" label="Impact" error={form.errors.impact}>
        {(c) => (
          <select {...c} value={impact} onChange={(e) => setImpact(e.target.value as PageIncidentImpact)}>
            {impacts.map((i) => (
              <option key={i} value={i}>
                {impactLabels[i]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <AffectedComponents components={page.components} value={componentIds} onChange={setComponentIds} />
      <Field
        id="pi-message"
        label="First update"
        hint="Shown on the page and sent to its subscribers."
        error={form.errors.message}
      >
        {(c) => <textarea {...c} rows={3} value={message} onChange={(e) => setMessage(e.target.value)} />}
      </Field>
      <div className="form__actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Posting…' : 'Post incident'}
        </button>
      </div>
    </form>
  );
}

/** The status page editor's "Incidents" area: post an incident, add updates, resolve. */
export function StatusPageIncidentsEditor({ page }: { page: StatusPage }) {
  const incidents = usePageIncidents(page.id);
  const items = incidents.data?.items;
  return (
    <section aria-labelledby="pi-section">
      <h2 id="pi-section">Incidents on {page.title}</h2>
      {incidents.error ? (
        <ProblemBanner error={incidents.error} onRetry={() => void incidents.refetch()} />
      ) : null}
      <NewIncidentForm page={page} />
      {items && items.length === 0 ? <p className="empty empty--inline">No incidents posted yet.</p> : null}
      {items?.map((incident) => (
        <article key={incident.id} className="card" aria-labelledby={`pi-${incident.id}`}>
          <h3 id={`pi-${incident.id}`}>
            {incident.title} <span className="muted">({incidentStatusLabels[incident.status]})</span>
          </h3>
          <ol className="timeline">
            {incident.updates.map((u) => (
              <li key={u.id} className="timeline__event">
                <p className="timeline__title">
                  <strong>{incidentStatusLabels[u.status]}</strong> — {u.message}
                </p>
                <time dateTime={u.at} className="timeline__time">
                  {when.format(Date.parse(u.at))}
                </time>
              </li>
            ))}
          </ol>
          <UpdateForm pageId={page.id} incident={incident} />
        </article>
      ))}
    </section>
  );
}
