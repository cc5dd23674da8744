'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { MonitorGroup } from '../lib/api-types';
import { changedFields } from '../lib/changes';
import { formatDateTime } from '../lib/format';
import { byId, orgKeys, useApiMutation, useMonitorGroups, usePickableMonitors } from '../lib/org-queries';
import { ConfirmButton } from './confirm-dialog';
import { ErrorSummary, Field } from './field';
import { ManagedBadge, ManagedEditWarning } from './managed-by-code';
import { MonitorChecklist } from './monitor-checklist';
import { ProblemBanner } from './problem-banner';
import { RowAction } from './row-action';
import { TableScroll } from './table-scroll';
import { useInPlaceEdit } from './use-in-place-edit';
import { useSimpleForm } from './use-simple-form';

type GroupField = 'name' | 'alertAsOne' | 'monitorIds';

const labels: Record<GroupField, string> = {
  name: 'Name',
  alertAsOne: 'Alert as one',
  monitorIds: 'Members',
};

/** Creates a group, or edits `existing`: an edit sends only the fields that changed. */
function GroupForm({ existing, onDone }: { existing?: MonitorGroup; onDone: (saved?: string) => void }) {
  const [loaded] = useState(() => ({
    name: existing?.name ?? '',
    alertAsOne: existing?.alertAsOne ?? false,
    monitorIds: existing?.monitorIds ?? [],
  }));
  const [name, setName] = useState(loaded.name);
  const [alertAsOne, setAlertAsOne] = useState(loaded.alertAsOne);
  const [monitorIds, setMonitorIds] = useState<string[]>(loaded.monitorIds);
  // Members change the monitors' groupId: their cached views refresh too.
  const refreshed = [orgKeys.groups, ['monitors']] as const;
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/monitor-groups', refreshed);
  const update = useApiMutation<{ id: string; patch: Record<string, unknown> }>(
    'PATCH',
    byId('/v1/monitor-groups'),
    refreshed,
    (input) => input.patch,
  );
  const form = useSimpleForm({
    idPrefix: 'group',
    fields: ['name', 'alertAsOne', 'monitorIds'] as const,
    labels,
    check: () => (name.trim() ? {} : { name: 'Required' }),
    submit: async () => {
      const edited = { name: name.trim(), alertAsOne, monitorIds };
      if (existing) {
        const patch = changedFields(loaded, edited);
        if (Object.keys(patch).length > 0) await update.mutateAsync({ id: existing.id, patch });
        onDone(`Saved group ${edited.name}.`);
        return;
      }
      await create.mutateAsync(edited);
      setName('');
      setAlertAsOne(false);
      setMonitorIds([]);
      onDone(`Created group ${edited.name}.`);
    },
  });
  const pending = create.isPending || update.isPending;
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="group-form-title">
      <h2 id="group-form-title" tabIndex={-1}>
        {existing ? `Edit group ${existing.name}` : 'New group'}
      </h2>
      <ErrorSummary messages={form.formErrors} problems={form.problems} />
      <Field id="group-name" label={labels.name} error={form.errors.name}>
        {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <label className="checkbox" htmlFor="group-alertAsOne">
        <input
          id="group-alertAsOne"
          type="checkbox"
          checked={alertAsOne}
          onChange={(e) => setAlertAsOne(e.target.checked)}
        />{' '}
        Alert as one: while any member is down, one group incident and one down/up alert, instead of one per
        member
      </label>
      <MonitorChecklist
        id="group-monitorIds"
        legend={labels.monitorIds}
        value={monitorIds}
        onChange={setMonitorIds}
        error={form.errors.monitorIds}
      />
      <p className="field__hint">
        A monitor is in one group at most: adding it here takes it out of its other group.
      </p>
      <div className="form__actions">
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Saving…' : existing ? 'Save changes' : 'Create group'}
        </button>
        {existing ? (
          <button type="button" className="button button--secondary" onClick={() => onDone()}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** Monitor groups: members, whether they alert as one, and whether any member is down now. */
export function GroupsPage() {
  const groups = useMonitorGroups();
  const monitors = usePickableMonitors();
  const remove = useApiMutation<{ id: string }>('DELETE', byId('/v1/monitor-groups'), [
    orgKeys.groups,
    ['monitors'],
  ]);
  const items = groups.data?.items;
  const names = new Map((monitors.data?.items ?? []).map((m) => [m.id, m.name]));
  const { editingId, notice, edit, done } = useInPlaceEdit('group-form-title');
  const editing = items?.find((g) => g.id === editingId);
  return (
    <>
      <div className="page-header">
        <h1>Monitor groups</h1>
      </div>
      <p className="field__hint">
        A monitor can depend on a group (on its edit page): while any member is down, the monitor records its
        incidents but sends no alerts.
      </p>
      {notice ? (
        <p className="banner banner--success" role="status">
          {notice}
        </p>
      ) : null}
      {groups.error ? <ProblemBanner error={groups.error} onRetry={() => void groups.refetch()} /> : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {groups.isPending ? (
        <p className="loading" role="status">
          Loading groups…
        </p>
      ) : null}
      {items && items.length === 0 ? <p className="empty empty--inline">No groups yet.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="groups-caption">
          <table className="table">
            <caption id="groups-caption">Monitor groups</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Members</th>
                <th scope="col">Alerting</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((g) => (
                <tr key={g.id}>
                  <th scope="row">
                    {g.name} <ManagedBadge resource={g} />
                  </th>
                  <td>
                    {g.status === 'down' ? 'Down' : 'Up'}
                    {g.incident ? (
                      <span className="muted"> · incident since {formatDateTime(g.incident.openedAt)}</span>
                    ) : null}
                  </td>
                  <td>
                    {g.monitorIds.length === 0
                      ? 'None'
                      : g.monitorIds.map((id, i) => (
                          <span key={id}>
                            {i > 0 ? ', ' : null}
                            <Link href={`/monitors/${encodeURIComponent(id)}`}>
                              {names.get(id) ?? 'monitor'}
                            </Link>
                          </span>
                        ))}
                  </td>
                  <td>{g.alertAsOne ? 'As one' : 'Each member'}</td>
                  <td>
                    <div className="row-actions">
                      <RowAction label="Edit" item={g.name} onClick={() => edit(g.id)} />
                      <ConfirmButton
                        label="Delete"
                        item={g.name}
                        title={`Delete the group “${g.name}”?`}
                        confirmLabel="Delete group"
                        onConfirm={() => remove.mutate({ id: g.id })}
                      >
                        <p>Its monitors stay, without a group; monitors that depended on it no longer do.</p>
                      </ConfirmButton>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <ManagedEditWarning resource={editing} what="group" />
      <GroupForm key={editing?.id ?? 'new'} existing={editing} onDone={done} />
    </>
  );
}
