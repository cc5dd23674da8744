'use client';

import { useState } from 'react';
import type { MaintenanceWindow } from '../lib/api-types';
import { changedFields } from '../lib/changes';
import { byId, orgKeys, useApiMutation, useMaintenanceWindows } from '../lib/org-queries';
import { useNow } from '../lib/use-now';
import { ConfirmButton } from './confirm-dialog';
import { ErrorSummary, Field } from './field';
import {
  MaintenanceWhen,
  RecurrenceFields,
  recurrenceBody,
  recurrenceDraft,
  recurrenceProblem,
} from './maintenance-recurrence';
import { ManagedBadge, ManagedEditWarning } from './managed-by-code';
import { MonitorChecklist } from './monitor-checklist';
import { ProblemBanner } from './problem-banner';
import { RowAction } from './row-action';
import { TableScroll } from './table-scroll';
import { useInPlaceEdit } from './use-in-place-edit';
import { useSimpleForm } from './use-simple-form';

const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

function phase(w: MaintenanceWindow, now: number): string {
  if (w.status) return { scheduled: 'Scheduled', active: 'In progress', ended: 'Finished' }[w.status];
  if (w.endsAt !== null && Date.parse(w.endsAt) <= now) return 'Finished';
  if (Date.parse(w.startsAt) <= now) return 'In progress';
  return 'Scheduled';
}

type WindowField = 'name' | 'monitorIds' | 'startsAt' | 'endsAt' | 'recurrence';

const labels: Record<WindowField, string> = {
  name: 'Name',
  monitorIds: 'Monitors',
  startsAt: 'Starts (your local time)',
  endsAt: 'Ends (your local time)',
  recurrence: 'Rule (RRULE)',
};

/** Schedules a new window, or edits `existing`: an edit sends only the fields that changed. */
function MaintenanceForm({
  existing,
  onDone,
}: {
  existing?: MaintenanceWindow;
  onDone: (saved?: string) => void;
}) {
  const [loaded] = useState(() => ({
    name: existing?.name ?? '',
    monitorIds: existing?.monitorIds ?? [],
    startsAt: localInput(existing ? Date.parse(existing.startsAt) : Date.now() + 3_600_000),
    endsAt: existing
      ? existing.endsAt === null
        ? ''
        : localInput(Date.parse(existing.endsAt))
      : localInput(Date.now() + 7_200_000),
    recurrence: recurrenceBody(recurrenceDraft(existing)),
  }));
  const [recurrence, setRecurrence] = useState(() => recurrenceDraft(existing));
  const [name, setName] = useState(loaded.name);
  const [monitorIds, setMonitorIds] = useState<string[]>(loaded.monitorIds);
  const [startsAt, setStartsAt] = useState(loaded.startsAt);
  const [endsAt, setEndsAt] = useState(loaded.endsAt);
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/maintenance-windows', [
    orgKeys.maintenance,
  ]);
  const update = useApiMutation<{ id: string; patch: Record<string, unknown> }>(
    'PATCH',
    byId('/v1/maintenance-windows'),
    [orgKeys.maintenance],
    (input) => input.patch,
  );
  const form = useSimpleForm({
    idPrefix: 'mw',
    fields: ['name', 'startsAt', 'endsAt', 'recurrence', 'monitorIds'] as const,
    labels,
    check: () => {
      const errors: Partial<Record<WindowField, string>> = {};
      if (!name.trim()) errors.name = 'Required';
      if (Number.isNaN(Date.parse(startsAt))) errors.startsAt = 'Enter a date and time';
      const rule = recurrenceProblem(recurrence);
      if (rule) errors.recurrence = rule;
      // A series may be left without an end.
      const openSeries = recurrence.recurring && endsAt === '';
      if (!openSeries && Number.isNaN(Date.parse(endsAt))) errors.endsAt = 'Enter a date and time';
      else if (!openSeries && Date.parse(endsAt) <= Date.parse(startsAt))
        errors.endsAt = 'Must be after the start';
      if (monitorIds.length === 0) errors.monitorIds = 'Pick at least one monitor';
      return errors;
    },
    submit: async () => {
      const edited = {
        name: name.trim(),
        monitorIds,
        startsAt,
        endsAt,
        recurrence: recurrenceBody(recurrence),
      };
      // Times are compared as typed (to the minute), so an untouched time keeps its stored seconds.
      const changed = existing ? changedFields(loaded, edited) : edited;
      const body: Record<string, unknown> = { ...changed };
      if (changed.startsAt !== undefined) body.startsAt = new Date(changed.startsAt).toISOString();
      if (changed.endsAt !== undefined)
        body.endsAt = changed.endsAt ? new Date(changed.endsAt).toISOString() : null;
      if (!existing && body.recurrence === null) delete body.recurrence;
      if (existing) {
        if (Object.keys(body).length > 0) await update.mutateAsync({ id: existing.id, patch: body });
        onDone(`Saved maintenance window ${edited.name}.`);
        return;
      }
      await create.mutateAsync(body);
      setName('');
      setMonitorIds([]);
      onDone(`Scheduled maintenance window ${edited.name}.`);
    },
  });
  const pending = create.isPending || update.isPending;
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="mw-form-title">
      <h2 id="mw-form-title" tabIndex={-1}>
        {existing ? `Edit maintenance window ${existing.name}` : 'Schedule maintenance'}
      </h2>
      <p className="field__hint">Monitors keep being checked during the window, but no alert is sent.</p>
      <ErrorSummary messages={form.formErrors} problems={form.problems} />
      <Field id="mw-name" label={labels.name} error={form.errors.name}>
        {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <div className="form__row">
        <Field id="mw-startsAt" label={labels.startsAt} error={form.errors.startsAt}>
          {(c) => (
            <input
              {...c}
              type="datetime-local"
              value={startsAt}
              onChange={(e) => setStartsAt(e.target.value)}
            />
          )}
        </Field>
        <Field id="mw-endsAt" label={labels.endsAt} error={form.errors.endsAt}>
          {(c) => (
            <input {...c} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
          )}
        </Field>
      </div>
      <RecurrenceFields value={recurrence} onChange={setRecurrence} error={form.errors.recurrence} />
      <MonitorChecklist
        id="mw-monitorIds"
        legend={labels.monitorIds}
        value={monitorIds}
        onChange={setMonitorIds}
        error={form.errors.monitorIds}
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={pending}>
          {existing ? (pending ? 'Saving…' : 'Save changes') : pending ? 'Scheduling…' : 'Schedule'}
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

export function MaintenancePage() {
  const windows = useMaintenanceWindows();
  const remove = useApiMutation<{ id: string }>('DELETE', byId('/v1/maintenance-windows'), [
    orgKeys.maintenance,
  ]);
  const now = useNow(30_000);
  const items = windows.data?.items;
  const { editingId, notice, edit, done } = useInPlaceEdit('mw-form-title');
  const editing = items?.find((w) => w.id === editingId);
  return (
    <>
      <div className="page-header">
        <h1>Maintenance windows</h1>
      </div>
      {notice ? (
        <p className="banner banner--success" role="status">
          {notice}
        </p>
      ) : null}
      {windows.error ? <ProblemBanner error={windows.error} onRetry={() => void windows.refetch()} /> : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {windows.isPending ? (
        <p className="loading" role="status">
          Loading maintenance windows…
        </p>
      ) : null}
      {items && items.length === 0 ? <p className="empty empty--inline">No maintenance scheduled.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="mw-caption">
          <table className="table">
            <caption id="mw-caption">Maintenance windows</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">When</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Monitors
                </th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr key={w.id}>
                  <th scope="row">
                    {w.name} <ManagedBadge resource={w} />
                  </th>
                  <td>
                    <MaintenanceWhen window={w} />
                  </td>
                  <td>{phase(w, now)}</td>
                  <td className="num">{w.monitorIds.length}</td>
                  <td>
                    <div className="row-actions">
                      <RowAction label="Edit" item={w.name} onClick={() => edit(w.id)} />
                      <ConfirmButton
                        label="Delete"
                        item={w.name}
                        title={`Delete the maintenance window “${w.name}”?`}
                        confirmLabel="Delete window"
                        onConfirm={() => remove.mutate({ id: w.id })}
                      >
                        <p>Its monitors alert again during that time.</p>
                      </ConfirmButton>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <ManagedEditWarning resource={editing} what="maintenance window" />
      <MaintenanceForm key={editing?.id ?? 'new'} existing={editing} onDone={done} />
    </>
  );
}
