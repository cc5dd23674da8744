'use client';

import Link from 'next/link';
import { useState } from 'react';
import { orgKeys, useApiMutation, useStatusPages } from '../lib/org-queries';
import { Field } from './field';
import { MonitorChecklist } from './monitor-checklist';
import { FormProblems, ProblemBanner } from './problem-banner';
import { TableScroll } from './table-scroll';
import { useSimpleForm } from './use-simple-form';

function StatusPageForm() {
  const [slug, setSlug] = useState('');
  const [title, setTitle] = useState('');
  const [monitorIds, setMonitorIds] = useState<string[]>([]);
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/status-pages', [
    orgKeys.statusPages,
  ]);
  const form = useSimpleForm({
    idPrefix: 'sp',
    fields: ['title', 'slug', 'monitorIds'] as const,
    check: () => {
      const errors: Partial<Record<'title' | 'slug' | 'monitorIds', string>> = {};
      if (!title.trim()) errors.title = 'Required';
      if (!/^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$/.test(slug))
        errors.slug = '3 to 64 lowercase letters, digits and inner dashes';
      if (monitorIds.length === 0) errors.monitorIds = 'Pick at least one monitor';
      return errors;
    },
    submit: async () => {
      await create.mutateAsync({ slug, title: title.trim(), monitorIds });
      setSlug('');
      setTitle('');
      setMonitorIds([]);
    },
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="new-sp-title">
      <h2 id="new-sp-title">Publish a status page</h2>
      <FormProblems messages={form.formErrors} />
      <Field id="sp-title" label="Title" error={form.errors.title}>
        {(c) => <input {...c} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <Field
        id="sp-slug"
        label="Address"
        hint="The page is public at /status/<address>."
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
        legend="Monitors shown"
        value={monitorIds}
        onChange={setMonitorIds}
        error={form.errors.monitorIds}
      />
      <button type="submit" className="button" disabled={create.isPending}>
        Publish
      </button>
    </form>
  );
}

export function StatusPagesPage() {
  const pages = useStatusPages();
  const items = pages.data?.items;
  return (
    <>
      <div className="page-header">
        <h1>Status pages</h1>
      </div>
      <p className="lead">
        Public pages that show your customers whether your services are up. No sign-in needed to view.
      </p>
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
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.title}</th>
                  <td>
                    <Link href={`/status/${encodeURIComponent(p.slug)}`}>/status/{p.slug}</Link>
                  </td>
                  <td className="num">{p.monitorIds.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <StatusPageForm />
    </>
  );
}
