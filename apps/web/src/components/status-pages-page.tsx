'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { StatusPage } from '../lib/api-types';
import { changedFields } from '../lib/changes';
import { byId, orgKeys, useApiMutation, useStatusPages } from '../lib/org-queries';
import { ErrorSummary, Field } from './field';
import { ManagedBadge, ManagedEditWarning } from './managed-by-code';
import { MonitorChecklist } from './monitor-checklist';
import { ProblemBanner } from './problem-banner';
import { RowAction } from './row-action';
import {
  checkExtras,
  extrasBody,
  extrasFields,
  extrasLabels,
  initialExtras,
  StatusPageExtrasFields,
} from './status-page-extras';
import { StatusPageIncidentsEditor } from './status-page-incidents-editor';
import { StatusPageSubscribers } from './status-page-subscribers';
import { TableScroll } from './table-scroll';
import { useInPlaceEdit } from './use-in-place-edit';
import { useSimpleForm } from './use-simple-form';

type PageField = 'title' | 'slug' | 'monitorIds' | (typeof extrasFields)[number];

const labels: Record<PageField, string> = {
  title: 'Title',
  slug: 'Address',
  monitorIds: 'Monitors shown',
  ...extrasLabels,
};

/** Publishes a new page, or edits `page`: an edit sends only the fields that changed. */
function StatusPageForm({
  page,
  onDone,
  apiUrl,
}: {
  page?: StatusPage;
  onDone: (saved?: string) => void;
  apiUrl: string;
}) {
  const [slug, setSlug] = useState(page?.slug ?? '');
  const [title, setTitle] = useState(page?.title ?? '');
  const [monitorIds, setMonitorIds] = useState<string[]>(page?.monitorIds ?? []);
  const [extras, setExtras] = useState(() => initialExtras(page));
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/status-pages', [
    orgKeys.statusPages,
  ]);
  const update = useApiMutation<{ id: string; patch: Record<string, unknown> }>(
    'PATCH',
    byId('/v1/status-pages'),
    [orgKeys.statusPages],
    (input) => input.patch,
  );
  const form = useSimpleForm({
    idPrefix: 'sp',
    fields: ['title', 'slug', 'monitorIds', ...extrasFields] as const,
    labels,
    check: () => {
      const errors: Partial<Record<PageField, string>> = checkExtras(extras);
      if (!title.trim()) errors.title = 'Required';
      if (!/^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$/.test(slug))
        errors.slug = '3 to 64 lowercase letters, digits and inner dashes';
      if (monitorIds.length === 0) errors.monitorIds = 'Pick at least one monitor';
      return errors;
    },
    submit: async () => {
      const values = { slug, title: title.trim(), monitorIds, ...extrasBody(extras, monitorIds) };
      if (page) {
        const patch = changedFields(
          {
            slug: page.slug,
            title: page.title,
            monitorIds: page.monitorIds,
            ...extrasBody(initialExtras(page), page.monitorIds),
          },
          values,
        );
        if (Object.keys(patch).length > 0) await update.mutateAsync({ id: page.id, patch });
        onDone(`Saved status page ${values.title}.`);
        return;
      }
      await create.mutateAsync(values);
      setSlug('');
      setTitle('');
      setMonitorIds([]);
      setExtras(initialExtras());
      onDone(`Published status page ${values.title}.`);
    },
  });
  const pending = create.isPending || update.isPending;
  const heading = page ? `Edit status page ${page.title}` : 'Publish a status page';
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="sp-form-title">
      <h2 id="sp-form-title" tabIndex={-1}>
        {heading}
      </h2>
      <ErrorSummary messages={form.formErrors} problems={form.problems} />
      <Field id="sp-title" label={labels.title} error={form.errors.title}>
        {(c) => <input {...c} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <Field
        id="sp-slug"
        label={labels.slug}
        hint={
          page
            ? 'The page is public at /status/<address>. Changing it moves the page: the old address stops working.'
            : 'The page is public at /status/<address>.'
        }
        error={form.errors.slug}
      >
        {(c) => (
          <input
            {...c}
            type="text"
            spellCheck={false}
            value={slug}
            onChange={(e) => setSlug(e.target.value.toLowerCase())}
          />
        )}
      </Field>
      <MonitorChecklist
        id="sp-monitorIds"
        legend={labels.monitorIds}
        value={monitorIds}
        onChange={setMonitorIds}
        error={form.errors.monitorIds}
      />
      <StatusPageExtrasFields
        value={extras}
        onChange={setExtras}
        monitorIds={monitorIds}
        errors={form.errors}
        slug={page?.slug}
        apiUrl={apiUrl}
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={pending}>
          {page ? (pending ? 'Saving…' : 'Save changes') : 'Publish'}
        </button>
        {page ? (
          <button type="button" className="button button--secondary" onClick={() => onDone()}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** `apiUrl`: where browsers reach the API (API_PUBLIC_URL), for the badge embed code. */
export function StatusPagesPage({ apiUrl }: { apiUrl: string }) {
  const pages = useStatusPages();
  const items = pages.data?.items;
  const { editingId, notice, edit, done } = useInPlaceEdit('sp-form-title');
  const editing = items?.find((p) => p.id === editingId);
  return (
    <>
      <div className="page-header">
        <h1>Status pages</h1>
      </div>
      <p className="lead">
        Public pages that show your customers whether your services are up. No sign-in needed to view.
      </p>
      {notice ? (
        <p className="banner banner--success" role="status">
          {notice}
        </p>
      ) : null}
      {pages.error ? <ProblemBanner error={pages.error} onRetry={() => void pages.refetch()} /> : null}
      {items && items.length === 0 ? <p className="empty empty--inline">No status pages yet.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="sp-caption">
          <table className="table">
            <caption id="sp-caption">Status pages</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Public address</th>
                <th scope="col" className="num">
                  Monitors
                </th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {p.title} <ManagedBadge resource={p} />
                  </th>
                  <td>
                    <Link href={`/status/${encodeURIComponent(p.slug)}`}>/status/{p.slug}</Link>
                  </td>
                  <td className="num">{p.monitorIds.length}</td>
                  <td>
                    <RowAction label="Edit" item={p.title} onClick={() => edit(p.id)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <ManagedEditWarning resource={editing} what="status page" />
      <StatusPageForm key={editing?.id ?? 'new'} page={editing} onDone={done} apiUrl={apiUrl} />
      {editing ? <StatusPageIncidentsEditor key={`incidents-${editing.id}`} page={editing} /> : null}
      {editing ? <StatusPageSubscribers key={`subscribers-${editing.id}`} page={editing} /> : null}
    </>
  );
}
