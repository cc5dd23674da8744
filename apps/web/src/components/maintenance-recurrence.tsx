'use client';

import type { MaintenanceRecurrence, MaintenanceWindow } from '../lib/api-types';
import { formatDateTime } from '../lib/format';
import { Field } from './field';

/** The recurrence part of the maintenance form, as typed. */
export interface RecurrenceDraft {
  recurring: boolean;
  rrule: string;
  timeZone: string;
  durationMinutes: string;
}

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function recurrenceDraft(existing?: MaintenanceWindow): RecurrenceDraft {
  const r = existing?.recurrence;
  return {
    recurring: Boolean(r),
    rrule: r?.rrule ?? 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2',
    timeZone: r?.timeZone ?? localZone(),
    durationMinutes: String(r?.durationMinutes ?? 120),
  };
}

/** What the API takes: the rule, or null for a one-off window. */
export function recurrenceBody(draft: RecurrenceDraft): MaintenanceRecurrence | null {
  if (!draft.recurring) return null;
  return {
    rrule: draft.rrule.trim(),
    timeZone: draft.timeZone.trim(),
    durationMinutes: Number(draft.durationMinutes),
  };
}

/** A local check before sending; the API judges the rule itself. */
export function recurrenceProblem(draft: RecurrenceDraft): string | undefined {
  if (!draft.recurring) return undefined;
  if (!draft.rrule.trim()) return 'Enter a rule, e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2';
  const minutes = Number(draft.durationMinutes);
  if (!Number.isInteger(minutes) || minutes < 1) return 'The duration is a whole number of minutes';
  return undefined;
}

export function RecurrenceFields({
  value,
  onChange,
  error,
}: {
  value: RecurrenceDraft;
  onChange: (next: RecurrenceDraft) => void;
  error?: string | undefined;
}) {
  const set = (patch: Partial<RecurrenceDraft>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="fieldset">
      <legend>Repeats</legend>
      <label className="checkbox">
        <input
          id="mw-recurring"
          type="checkbox"
          checked={value.recurring}
          onChange={(e) => set({ recurring: e.target.checked })}
        />{' '}
        Repeat on a schedule (the start and end then bound the series; the end may stay empty)
      </label>
      {value.recurring ? (
        <>
          <Field
            id="mw-recurrence"
            label="Rule (RRULE)"
            error={error}
            hint="FREQ HOURLY or longer, e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2 (Sundays at 02:00)"
          >
            {(c) => (
              <input
                {...c}
                type="text"
                value={value.rrule}
                onChange={(e) => set({ rrule: e.target.value })}
              />
            )}
          </Field>
          <div className="form__row">
            <Field id="mw-timeZone" label="Time zone" hint="IANA name, e.g. Europe/Berlin">
              {(c) => (
                <input
                  {...c}
                  type="text"
                  value={value.timeZone}
                  onChange={(e) => set({ timeZone: e.target.value })}
                />
              )}
            </Field>
            <Field id="mw-durationMinutes" label="Each lasts (minutes)">
              {(c) => (
                <input
                  {...c}
                  type="number"
                  min={1}
                  value={value.durationMinutes}
                  onChange={(e) => set({ durationMinutes: e.target.value })}
                />
              )}
            </Field>
          </div>
        </>
      ) : null}
    </fieldset>
  );
}

/** A window's time in the table: its span, or for a series its rule and next occurrences. */
export function MaintenanceWhen({ window: w }: { window: MaintenanceWindow }) {
  if (!w.recurrence) {
    return (
      <>
        {formatDateTime(w.startsAt)} – {w.endsAt ? formatDateTime(w.endsAt) : '…'}
      </>
    );
  }
  const next = (w.nextOccurrences ?? []).slice(0, 3);
  return (
    <>
      <code>{w.recurrence.rrule}</code> ({w.recurrence.timeZone}, {w.recurrence.durationMinutes} min)
      {next.length > 0 ? (
        <ul className="plain-list" aria-label={`Next occurrences of ${w.name}`}>
          {next.map((o) => (
            <li key={o.startsAt}>
              {formatDateTime(o.startsAt)} – {formatDateTime(o.endsAt)}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
