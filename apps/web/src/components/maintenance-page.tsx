'use client';

import { useState } from 'react';
import type { MaintenanceWindow } from '../lib/api-types';
import { formatDateTime } from '../lib/format';
import { byId, orgKeys, useApiMutation, useMaintenanceWindows } from '../lib/org-queries';
import { useNow } from '../lib/use-now';
import { ConfirmButton } from './confirm-dialog';
import { Field } from './field';
import { MonitorChecklist } from './monitor-checklist';
import { FormProblems, ProblemBanner } from './problem-banner';
import { TableScroll } from './table-scroll';
import { useSimpleForm } from './use-simple-form';

const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

function phase(w: MaintenanceWindow, now: number): string {
  if (w.status) return { scheduled: 'Scheduled', active: 'In progress', ended: 'Finished' }[w.status];
  if (Date.parse(w.endsAt) <= now) return 'Finished';
  if (Date.parse(w.startsAt) <= now) return 'In progress';
  return 'Scheduled';
}

function MaintenanceForm() {
  const [name, setName] = useState('');
  const [monitorIds, setMonitorIds] = useState<string[]>([]);
  const [startsAt, setStartsAt] = useState(() => localInput(Date.now() + 3_600_000));
  const [endsAt, setEndsAt] = useState(() => localInput(Date.now() + 7_200_000));
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/maintenance-windows', [
    orgKeys.maintenance,
  ]);
  const form = useSimpleForm({
    idPrefix: 'mw',
    fields: ['name', 'monitorIds', 'startsAt', 'endsAt'] as const,
    check: () => {
      const errors: Partial<Record<'name' | 'monitorIds' | 'startsAt' | 'endsAt', string>> = {};
      if (!name.trim()) errors.name = 'Required';
      if (monitorIds.length === 0) errors.monitorIds = 'Pick at least one monitor';
      if (Number.isNaN(Date.parse(startsAt))) errors.startsAt = 'Enter a date and time';
      if (Number.isNaN(Date.parse(endsAt))) errors.endsAt = 'Enter a date and time';
      else if (Date.parse(endsAt) <= Date.parse(startsAt)) errors.endsAt = 'Must be after the start';
      return errors;
    },
    submit: async () => {
      await create.mutateAsync({
        name: name.trim(),
        monitorIds,
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(endsAt).toISOString(),
      });
      setName('');
      setMonitorIds([]);
    },
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="new-mw-title">
      <h2 id="new-mw-title">Schedule maintenance</h2>
      <p className="field__hint">Monitors keep being checked during the window, but no alert is sent.</p>
      <FormProblems messages={form.formErrors} />
      <Field id="mw-name" label="Name" error={form.errors.name}>
        {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <div className="form__row">
        <Field id="mw-startsAt" label="Starts (your local time)" error={form.errors.startsAt}>
          {(c) => (
            <input
              {...c}
              type="datetime-local"
              value={startsAt}
              onChange={(e) => setStartsAt(e.target.value)}
            />
          )}
        </Field>
        <Field id="mw-endsAt" label="Ends (your local time)" error={form.errors.endsAt}>
          {(c) => (
            <input {...c} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
          )}
        </Field>
      </div>
      <MonitorChecklist
        legend="Monitors"
        value={monitorIds}
        onChange={setMonitorIds}
        error={form.errors.monitorIds}
      />
      <button type="submit" className="button" disabled={create.isPending}>
        {create.isPending ? 'Scheduling…' : 'Schedule'}
      </button>
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
  return (
    <>
      <div className="page-header">
        <h1>Maintenance windows</h1>
      </div>
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
                  <th scope="row">{w.name}</th>
                  <td>
                    {formatDateTime(w.startsAt)} – {formatDateTime(w.endsAt)}
                  </td>
                  <td>{phase(w, now)}</td>
                  <td className="num">{w.monitorIds.length}</td>
                  <td>
                    <ConfirmButton
                      label="Delete"
                      item={w.name}
                      title={`Delete the maintenance window “${w.name}”?`}
                      confirmLabel="Delete window"
                      onConfirm={() => remove.mutate({ id: w.id })}
                    >
                      <p>Its monitors alert again during that time.</p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <MaintenanceForm />
    </>
  );
}
