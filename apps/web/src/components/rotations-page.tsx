'use client';

import { HANDOFF_TIME } from '@sentinelmesh/core';
import { useState } from 'react';
import type { Member, Rotation } from '../lib/api-types';
import { formatDateTime } from '../lib/format';
import {
  byId,
  orgKeys,
  useApiMutation,
  useMembers,
  useRotationOverrides,
  useRotationSchedule,
  useRotations,
} from '../lib/org-queries';
import { ConfirmButton } from './confirm-dialog';
import { ErrorSummary, Field } from './field';
import { ManagedBadge, ManagedEditWarning } from './managed-by-code';
import { ProblemBanner } from './problem-banner';
import { RowAction } from './row-action';
import { TableScroll } from './table-scroll';
import { useInPlaceEdit } from './use-in-place-edit';
import { useSimpleForm } from './use-simple-form';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const localInput = (ms: number) =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function useEmails(): (userId: string) => string {
  const members = useMembers();
  const byUser = new Map((members.data?.items ?? []).map((m: Member) => [m.userId, m.email]));
  return (userId) => byUser.get(userId) ?? 'a former member';
}

function handoffText(r: Rotation): string {
  const day = r.cadence === 'weekly' ? `${WEEKDAYS[r.handoffWeekday ?? 0]}s` : 'Every day';
  return `${day} at ${r.handoffTime} (${r.timeZone})`;
}

type RotationField =
  | 'name'
  | 'cadence'
  | 'handoffWeekday'
  | 'handoffTime'
  | 'timeZone'
  | 'startsAt'
  | 'memberIds';

const labels: Record<RotationField, string> = {
  name: 'Name',
  cadence: 'Handoff',
  handoffWeekday: 'Handoff day',
  handoffTime: 'Handoff time',
  timeZone: 'Time zone',
  startsAt: 'First shift starts (your local time)',
  memberIds: 'Members, in turn order',
};

/** Creates a rotation, or edits `existing` (sending the whole rule again: it is judged as a whole). */
function RotationForm({ existing, onDone }: { existing?: Rotation; onDone: (saved?: string) => void }) {
  const members = useMembers();
  const [name, setName] = useState(existing?.name ?? '');
  const [cadence, setCadence] = useState<'daily' | 'weekly'>(existing?.cadence ?? 'weekly');
  const [weekday, setWeekday] = useState(String(existing?.handoffWeekday ?? 1));
  const [handoffTime, setHandoffTime] = useState(existing?.handoffTime ?? '09:00');
  const [timeZone, setTimeZone] = useState(existing?.timeZone ?? browserZone());
  const [startsAt, setStartsAt] = useState(localInput(existing ? Date.parse(existing.startsAt) : Date.now()));
  const [memberIds, setMemberIds] = useState<string[]>(existing?.memberIds ?? []);
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/oncall-rotations', [
    orgKeys.rotations,
  ]);
  const update = useApiMutation<{ id: string; patch: Record<string, unknown> }>(
    'PATCH',
    byId('/v1/oncall-rotations'),
    [orgKeys.rotations],
    (input) => input.patch,
  );
  const form = useSimpleForm({
    idPrefix: 'rot',
    fields: [
      'name',
      'cadence',
      'handoffWeekday',
      'handoffTime',
      'timeZone',
      'startsAt',
      'memberIds',
    ] as const,
    labels,
    check: () => {
      const errors: Partial<Record<RotationField, string>> = {};
      if (!name.trim()) errors.name = 'Required';
      if (!HANDOFF_TIME.test(handoffTime)) errors.handoffTime = 'Enter a time as HH:MM or HH:MM:SS';
      if (!timeZone.trim()) errors.timeZone = 'Required, e.g. Europe/Berlin';
      if (Number.isNaN(Date.parse(startsAt))) errors.startsAt = 'Enter a date and time';
      if (memberIds.length === 0) errors.memberIds = 'Pick at least one member';
      return errors;
    },
    submit: async () => {
      const body = {
        name: name.trim(),
        cadence,
        handoffWeekday: cadence === 'weekly' ? Number(weekday) : null,
        handoffTime,
        timeZone: timeZone.trim(),
        startsAt: new Date(startsAt).toISOString(),
        memberIds,
      };
      if (existing) await update.mutateAsync({ id: existing.id, patch: body });
      else await create.mutateAsync(body);
      onDone(`${existing ? 'Saved' : 'Created'} rotation ${body.name}.`);
    },
  });
  const toggle = (userId: string, on: boolean) =>
    setMemberIds((ids) => (on ? [...ids, userId] : ids.filter((id) => id !== userId)));
  const pending = create.isPending || update.isPending;
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="rot-form-title">
      <h2 id="rot-form-title" tabIndex={-1}>
        {existing ? `Edit rotation ${existing.name}` : 'New rotation'}
      </h2>
      <ErrorSummary messages={form.formErrors} problems={form.problems} />
      <Field id="rot-name" label={labels.name} error={form.errors.name}>
        {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <div className="form__row">
        <Field id="rot-cadence" label={labels.cadence} error={form.errors.cadence}>
          {(c) => (
            <select {...c} value={cadence} onChange={(e) => setCadence(e.target.value as 'daily' | 'weekly')}>
              <option value="weekly">Weekly</option>
              <option value="daily">Daily</option>
            </select>
          )}
        </Field>
        {cadence === 'weekly' ? (
          <Field id="rot-handoffWeekday" label={labels.handoffWeekday} error={form.errors.handoffWeekday}>
            {(c) => (
              <select {...c} value={weekday} onChange={(e) => setWeekday(e.target.value)}>
                {WEEKDAYS.map((day, i) => (
                  <option key={day} value={i}>
                    {day}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field id="rot-handoffTime" label={labels.handoffTime} error={form.errors.handoffTime}>
          {(c) => (
            // step 1: a handoff time may carry seconds, and one that does must show and keep them.
            <input
              {...c}
              type="time"
              step={1}
              value={handoffTime}
              onChange={(e) => setHandoffTime(e.target.value)}
            />
          )}
        </Field>
        <Field
          id="rot-timeZone"
          label={labels.timeZone}
          error={form.errors.timeZone}
          hint="IANA name, e.g. Europe/Berlin"
        >
          {(c) => <input {...c} type="text" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />}
        </Field>
      </div>
      <Field id="rot-startsAt" label={labels.startsAt} error={form.errors.startsAt}>
        {(c) => (
          <input
            {...c}
            type="datetime-local"
            value={startsAt}
            onChange={(e) => setStartsAt(e.target.value)}
          />
        )}
      </Field>
      <fieldset
        id="rot-memberIds"
        className="field"
        aria-describedby={form.errors.memberIds ? 'rot-memberIds-error' : undefined}
      >
        <legend>{labels.memberIds}</legend>
        {(members.data?.items ?? []).map((m) => (
          <label key={m.userId} className="checkbox">
            <input
              type="checkbox"
              checked={memberIds.includes(m.userId)}
              onChange={(e) => toggle(m.userId, e.target.checked)}
            />{' '}
            {m.email}
            {memberIds.includes(m.userId) ? ` (turn ${memberIds.indexOf(m.userId) + 1})` : ''}
          </label>
        ))}
        {form.errors.memberIds ? (
          <p id="rot-memberIds-error" className="field__error">
            {form.errors.memberIds}
          </p>
        ) : null}
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Saving…' : existing ? 'Save changes' : 'Create rotation'}
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

/** The next shifts (overrides applied), the overrides, and a form to add one. */
function RotationDetail({ rotation }: { rotation: Rotation }) {
  const emailOf = useEmails();
  const members = useMembers();
  const schedule = useRotationSchedule(rotation.id);
  const overrides = useRotationOverrides(rotation.id);
  const [userId, setUserId] = useState(rotation.memberIds[0] ?? '');
  const [from, setFrom] = useState(localInput(Date.now()));
  const [to, setTo] = useState(localInput(Date.now() + 8 * 3_600_000));
  const base = `/v1/oncall-rotations/${encodeURIComponent(rotation.id)}/overrides`;
  const add = useApiMutation<Record<string, unknown>>('POST', () => base, [orgKeys.rotations]);
  const remove = useApiMutation<{ id: string }>('DELETE', byId(base), [orgKeys.rotations]);
  const form = useSimpleForm({
    idPrefix: `ovr-${rotation.id}`,
    fields: ['userId', 'startsAt', 'endsAt'] as const,
    labels: { userId: 'Who', startsAt: 'From', endsAt: 'Until' },
    check: () => (Date.parse(to) > Date.parse(from) ? {} : { endsAt: 'Must be after the start' }),
    submit: async () => {
      await add.mutateAsync({
        userId,
        startsAt: new Date(from).toISOString(),
        endsAt: new Date(to).toISOString(),
      });
    },
  });
  return (
    <section className="card" aria-labelledby={`rot-${rotation.id}-detail`}>
      <h2 id={`rot-${rotation.id}-detail`}>Upcoming shifts of {rotation.name}</h2>
      {schedule.error ? <ProblemBanner error={schedule.error} /> : null}
      <ol className="shift-list">
        {(schedule.data?.shifts ?? []).map((s) => (
          <li key={`${s.userId}-${s.shiftStart}`}>
            {emailOf(s.userId)}: {formatDateTime(s.shiftStart)} – {formatDateTime(s.shiftEnd)}
            {s.overrideId ? ' (override)' : ''}
          </li>
        ))}
      </ol>
      <h3>Overrides</h3>
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {(overrides.data?.items ?? []).length === 0 ? (
        <p className="empty empty--inline">No overrides.</p>
      ) : null}
      <ul>
        {(overrides.data?.items ?? []).map((o) => (
          <li key={o.id}>
            {emailOf(o.userId)}: {formatDateTime(o.startsAt)} – {formatDateTime(o.endsAt)}{' '}
            <ConfirmButton
              label="Remove"
              item={`override of ${emailOf(o.userId)}`}
              title="Remove this override?"
              confirmLabel="Remove override"
              onConfirm={() => remove.mutate({ id: o.id })}
            >
              <p>The rotation's own shift applies again over that time.</p>
            </ConfirmButton>
          </li>
        ))}
      </ul>
      <form
        className="form"
        onSubmit={form.onSubmit}
        noValidate
        aria-label={`Add an override to ${rotation.name}`}
      >
        <ErrorSummary messages={form.formErrors} problems={form.problems} />
        <div className="form__row">
          <Field id={`ovr-${rotation.id}-userId`} label="Who" error={form.errors.userId}>
            {(c) => (
              <select {...c} value={userId} onChange={(e) => setUserId(e.target.value)}>
                {(members.data?.items ?? []).map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.email}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={`ovr-${rotation.id}-startsAt`} label="From" error={form.errors.startsAt}>
            {(c) => (
              <input {...c} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
            )}
          </Field>
          <Field id={`ovr-${rotation.id}-endsAt`} label="Until" error={form.errors.endsAt}>
            {(c) => <input {...c} type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />}
          </Field>
        </div>
        <button type="submit" className="button" disabled={add.isPending}>
          Add override
        </button>
      </form>
    </section>
  );
}

export function RotationsPage() {
  const rotations = useRotations();
  const emailOf = useEmails();
  const remove = useApiMutation<{ id: string }>('DELETE', byId('/v1/oncall-rotations'), [orgKeys.rotations]);
  const items = rotations.data?.items;
  const { editingId, notice, edit, done } = useInPlaceEdit('rot-form-title');
  const [shownId, setShownId] = useState<string | null>(null);
  const editing = items?.find((r) => r.id === editingId);
  const shown = items?.find((r) => r.id === shownId) ?? items?.[0];
  return (
    <>
      <div className="page-header">
        <h1>On-call rotations</h1>
      </div>
      {notice ? (
        <p className="banner banner--success" role="status">
          {notice}
        </p>
      ) : null}
      {rotations.error ? (
        <ProblemBanner error={rotations.error} onRetry={() => void rotations.refetch()} />
      ) : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {rotations.isPending ? (
        <p className="loading" role="status">
          Loading rotations…
        </p>
      ) : null}
      {items && items.length === 0 ? <p className="empty empty--inline">No rotations yet.</p> : null}
      {items && items.length > 0 ? (
        <TableScroll labelledBy="rot-caption">
          <table className="table">
            <caption id="rot-caption">Rotations</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Handoff</th>
                <th scope="col">On call now</th>
                <th scope="col">Next handoff</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    {r.name} <ManagedBadge resource={r} />
                  </th>
                  <td>{handoffText(r)}</td>
                  <td>{r.onCall ? emailOf(r.onCall.userId) : 'Nobody yet'}</td>
                  <td>{r.onCall ? formatDateTime(r.onCall.shiftEnd) : formatDateTime(r.startsAt)}</td>
                  <td>
                    <div className="row-actions">
                      <RowAction label="Shifts" item={r.name} onClick={() => setShownId(r.id)} />
                      <RowAction label="Edit" item={r.name} onClick={() => edit(r.id)} />
                      <ConfirmButton
                        label="Delete"
                        item={r.name}
                        title={`Delete the rotation “${r.name}”?`}
                        confirmLabel="Delete rotation"
                        onConfirm={() => remove.mutate({ id: r.id })}
                      >
                        <p>Its overrides go with it; escalation steps naming it find nobody on call.</p>
                      </ConfirmButton>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {shown ? <RotationDetail key={shown.id} rotation={shown} /> : null}
      <ManagedEditWarning resource={editing} what="rotation" />
      <RotationForm key={editing?.id ?? 'new'} existing={editing} onDone={done} />
    </>
  );
}
