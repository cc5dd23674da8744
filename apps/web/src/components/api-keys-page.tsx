'use client';

import { useState } from 'react';
import type { ApiKey, Role } from '../lib/api-types';
import { byId, orgKeys, useApiKeys, useApiMutation } from '../lib/org-queries';
import { useNow } from '../lib/use-now';
import { ConfirmButton } from './confirm-dialog';
import { CopyButton } from './copy-button';
import { Field } from './field';
import { FormProblems, ProblemBanner } from './problem-banner';
import { RoleField } from './role-select';
import { TableScroll } from './table-scroll';
import { TimeAgo } from './time-ago';
import { useSimpleForm } from './use-simple-form';

function CreateKeyForm() {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [created, setCreated] = useState<ApiKey | null>(null);
  const create = useApiMutation<{ name: string; role: Role }, ApiKey>('POST', () => '/v1/api-keys', [
    orgKeys.apiKeys,
  ]);
  const form = useSimpleForm({
    idPrefix: 'key',
    fields: ['name', 'role'] as const,
    check: () => (name.trim() ? {} : { name: 'Required' }),
    submit: async () => {
      setCreated(await create.mutateAsync({ name: name.trim(), role }));
      setName('');
    },
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="new-key-title">
      <h2 id="new-key-title">Create an API key</h2>
      <FormProblems messages={form.formErrors} />
      {created?.key ? (
        <div className="banner banner--success" role="status">
          <p>
            Key “{created.name}” created. Copy it now: <strong>it is shown only once.</strong>
          </p>
          <p className="secret">
            <code id="created-key">{created.key}</code> <CopyButton text={created.key} label="Copy key" />
          </p>
        </div>
      ) : null}
      <Field
        id="key-name"
        label="Name"
        hint="What uses it, e.g. “CI deploy script”."
        error={form.errors.name}
      >
        {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <RoleField id="key-role" value={role} onChange={setRole} error={form.errors.role} />
      <button type="submit" className="button" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}

/** `apiUrl`: where browsers and scripts reach the API (API_PUBLIC_URL); its reference is at /docs. */
export function ApiKeysPage({ apiUrl }: { apiUrl: string }) {
  const keys = useApiKeys();
  const revoke = useApiMutation<{ id: string }>('DELETE', byId('/v1/api-keys'), [orgKeys.apiKeys]);
  const now = useNow(30_000);
  const items = keys.data?.items;
  return (
    <>
      <div className="page-header">
        <h1>API keys</h1>
      </div>
      <p className="lead">
        Keys let scripts use the API at <code>{apiUrl}</code> as this organization: send them as
        “Authorization: Bearer &lt;key&gt;”. Every route, with examples, is in the{' '}
        <a href={`${apiUrl}/docs`}>API reference</a>.
      </p>
      {keys.error ? <ProblemBanner error={keys.error} onRetry={() => void keys.refetch()} /> : null}
      {revoke.error ? <ProblemBanner error={revoke.error} /> : null}
      {keys.isPending ? (
        <p className="loading" role="status">
          Loading keys…
        </p>
      ) : null}
      {items && items.length === 0 ? <p className="empty empty--inline">No API keys yet.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="keys-caption">
          <table className="table table--cards">
            <caption id="keys-caption">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((key) => (
                <tr key={key.id}>
                  <th scope="row">
                    {key.name}
                    {key.keyHint ? <span className="cell-note">…{key.keyHint}</span> : null}
                  </th>
                  <td data-label="Role">{key.role}</td>
                  <td data-label="Created">
                    <TimeAgo iso={key.createdAt} now={now} />
                  </td>
                  <td data-label="Actions">
                    <ConfirmButton
                      label="Revoke"
                      item={key.name}
                      title={`Revoke the API key “${key.name}”?`}
                      confirmLabel="Revoke key"
                      onConfirm={() => revoke.mutate({ id: key.id })}
                    >
                      <p>Scripts using it are refused at once. This cannot be undone.</p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <CreateKeyForm />
    </>
  );
}
