'use client';

import { httpMethods } from '@sentinelmesh/core';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../lib/api-client';
import type { Monitor } from '../lib/api-types';
import { emptyAssertionRow } from '../lib/assertion-rows';
import {
  groupProblems,
  inFormOrder,
  labelProblems,
  type FormProblems as Problems,
} from '../lib/field-errors';
import {
  holdsStoredSecret,
  initialMonitorFormValues,
  intervalText,
  type MonitorFormValues,
  monitorFieldFor,
  monitorFieldLabel,
  monitorFieldLabels,
  monitorFormOrder,
  monitorToFormValues,
  STORED_SECRET_HINT,
  timeoutPlaceholder,
  toMonitorCreate,
  toMonitorPatch,
  validateMonitorEdit,
  validateMonitorForm,
} from '../lib/monitor-form';
import { availableMonitorTypes, typeSpec } from '../lib/monitor-types';
import { useCreateMonitor, useUpdateMonitor } from '../lib/queries';
import { AssertionBuilder } from './assertion-builder';
import { ChannelPicker } from './channel-picker';
import { DependencyPicker } from './dependency-picker';
import { ErrorSummary, Field } from './field';
import { PolicyPicker } from './policy-picker';
import { RequestOptions } from './request-options';

type Values = MonitorFormValues;
type TextField =
  | 'name'
  | 'intervalSeconds'
  | 'timeoutMs'
  | 'failureThreshold'
  | 'recoveryThreshold'
  | 'retryIntervalSeconds'
  | 'regions'
  | 'tags';

const noProblems: Problems<string> = { fields: {}, form: [] };

function focusFirst(fields: Partial<Record<string, string>>) {
  const ids = Object.keys(fields);
  const inputs = Array.from(document.querySelectorAll<HTMLElement>('form [id]')).filter((el) =>
    ids.includes(el.id),
  );
  inputs[0]?.focus();
}

const label = (field: string) => monitorFieldLabels[field] ?? field;

export function MonitorForm({ monitor }: { monitor?: Monitor }) {
  const router = useRouter();
  const create = useCreateMonitor();
  const update = useUpdateMonitor(monitor?.id ?? '');
  // What was loaded: an edit sends only what differs from it.
  const [loaded] = useState<Values>(() =>
    monitor ? monitorToFormValues(monitor) : initialMonitorFormValues(),
  );
  const [values, setValues] = useState<Values>(loaded);
  const [problems, setProblems] = useState(noProblems);
  const errors = problems.fields;
  const spec = typeSpec(values.type);
  const shows = (field: (typeof spec.omits)[number]) => !spec.omits.includes(field);
  const pending = create.isPending || update.isPending;

  const set = <K extends keyof Values>(field: K, value: Values[K]) =>
    setValues((current) => ({ ...current, [field]: value }));
  const setTarget = (name: string, value: string) =>
    setValues((current) => ({ ...current, target: { ...current.target, [name]: value } }));

  const text = (
    field: TextField,
    options: { label?: string; hint?: string; placeholder?: string; numeric?: boolean } = {},
  ) => (
    <Field id={field} label={options.label ?? label(field)} hint={options.hint} error={errors[field]}>
      {(control) => (
        <input
          {...control}
          type="text"
          inputMode={options.numeric === false ? undefined : 'numeric'}
          placeholder={options.placeholder}
          value={values[field]}
          onChange={(e) => set(field, e.target.value)}
        />
      )}
    </Field>
  );

  function show(found: Problems<string>) {
    setProblems(found);
    requestAnimationFrame(() => focusFirst(found.fields));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const validation = monitor ? validateMonitorEdit(loaded, values) : validateMonitorForm(values);
    if (!validation.ok) return show(validation);
    setProblems(noProblems);
    try {
      if (monitor) {
        const patch = toMonitorPatch(validation.input, loaded, values);
        if (Object.keys(patch).length > 0) await update.mutateAsync(patch);
        router.push(`/monitors/${encodeURIComponent(monitor.id)}`);
        return;
      }
      const saved = await create.mutateAsync(toMonitorCreate(validation.input, values));
      router.push(`/monitors/${encodeURIComponent(saved.id)}`);
    } catch (error) {
      const found = error instanceof ApiError ? groupProblems(error.errors, monitorFieldFor) : noProblems;
      show({ fields: found.fields, form: [describeError(error), ...found.form] });
    }
  }

  const title = monitor ? `Edit ${monitor.name}` : 'New monitor';
  return (
    <form className="form form--wide" onSubmit={onSubmit} noValidate aria-labelledby="monitor-form-title">
      <h1 id="monitor-form-title">{title}</h1>
      <ErrorSummary
        messages={problems.form}
        problems={inFormOrder(
          labelProblems(errors, (field) => monitorFieldLabel(field, values.type)),
          monitorFormOrder(values),
        )}
      />

      <Field
        id="name"
        label={label('name')}
        hint="How this monitor appears in lists and alerts."
        error={errors.name}
      >
        {(control) => (
          <input {...control} type="text" value={values.name} onChange={(e) => set('name', e.target.value)} />
        )}
      </Field>

      <Field id="type" label={label('type')} hint={spec.description} error={errors.type}>
        {(control) => (
          <select
            {...control}
            value={values.type}
            disabled={Boolean(monitor)}
            onChange={(e) => {
              const type = e.target.value;
              const sources = typeSpec(type).assertionSources;
              setValues((current) => ({
                ...current,
                type,
                assertions: sources.includes('status') ? [emptyAssertionRow('status')] : [],
              }));
            }}
          >
            {availableMonitorTypes.map((type) => (
              <option key={type} value={type}>
                {typeSpec(type).label}
              </option>
            ))}
          </select>
        )}
      </Field>

      <div className="form__row">
        {spec.fields.map((field) => (
          <Field
            key={field.name}
            id={field.name}
            label={field.label}
            hint={holdsStoredSecret(values.target[field.name]) ? STORED_SECRET_HINT : field.hint}
            error={errors[field.name]}
          >
            {(control) =>
              field.kind === 'select' ? (
                <select
                  {...control}
                  value={values.target[field.name] ?? field.initial ?? ''}
                  onChange={(e) => setTarget(field.name, e.target.value)}
                >
                  {field.options?.map((option) => (
                    <option key={option} value={option}>
                      {field.optionLabels?.[option] ?? option}
                    </option>
                  ))}
                </select>
              ) : field.kind === 'code' || field.kind === 'json' ? (
                <textarea
                  {...control}
                  rows={field.kind === 'code' ? 10 : 8}
                  spellCheck={false}
                  placeholder={field.placeholder}
                  value={values.target[field.name] ?? field.initial ?? ''}
                  onChange={(e) => setTarget(field.name, e.target.value)}
                />
              ) : (
                <input
                  {...control}
                  type={field.secret ? 'password' : 'text'}
                  inputMode={field.kind === 'number' ? 'numeric' : field.name === 'url' ? 'url' : undefined}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={field.placeholder}
                  value={values.target[field.name] ?? field.initial ?? ''}
                  onChange={(e) => setTarget(field.name, e.target.value)}
                />
              )
            }
          </Field>
        ))}
        {values.type === 'http' ? (
          <Field id="method" label={label('method')} error={errors.method}>
            {(control) => (
              <select
                {...control}
                value={values.method}
                onChange={(e) => set('method', e.target.value as Values['method'])}
              >
                {httpMethods.map((method) => (
                  <option key={method}>{method}</option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
      </div>

      <div className="form__row">
        {text('intervalSeconds', intervalText(values.type))}
        {shows('timeoutMs')
          ? text('timeoutMs', {
              hint: 'Shorter than the interval. Leave empty for the default, which follows the interval: 10 s, or 80% of a shorter interval.',
              placeholder: timeoutPlaceholder(values.intervalSeconds),
            })
          : null}
      </div>

      {spec.assertionSources.length > 0 ? (
        <AssertionBuilder
          rows={values.assertions}
          sources={spec.assertionSources}
          errors={errors}
          onChange={(rows) => set('assertions', rows)}
        />
      ) : null}

      {values.type === 'http' ? <RequestOptions values={values} errors={errors} set={set} /> : null}

      <ChannelPicker
        value={values.channelIds}
        onChange={(ids) => set('channelIds', ids)}
        preselectDefaults={!monitor}
      />
      <PolicyPicker
        value={values.escalationPolicyId ?? ''}
        onChange={(id) => set('escalationPolicyId', id)}
      />

      <DependencyPicker
        monitorId={monitor?.id}
        groupId={values.groupId}
        parentMonitorIds={values.parentMonitorIds}
        parentGroupIds={values.parentGroupIds}
        error={errors.dependsOn ?? errors.groupId}
        onChange={(change) => setValues((current) => ({ ...current, ...change }))}
      />

      <div className="form__row">
        {text('failureThreshold')}
        {text('recoveryThreshold')}
        {shows('retryIntervalSeconds') ? text('retryIntervalSeconds') : null}
      </div>
      <div className="form__row">
        {shows('regions')
          ? text('regions', {
              hint: monitor
                ? 'Comma-separated.'
                : 'Comma-separated. Empty: every region this deployment runs.',
              numeric: false,
            })
          : null}
        {text('tags', {
          hint: 'Comma-separated, e.g. prod, checkout. Filter the overview by tag.',
          numeric: false,
        })}
      </div>

      <label className="checkbox">
        <input type="checkbox" checked={values.paused} onChange={(e) => set('paused', e.target.checked)} />{' '}
        Paused (saved but not checked)
      </label>

      <div className="form__actions">
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Saving…' : monitor ? 'Save changes' : 'Create monitor'}
        </button>
        <Link
          href={monitor ? `/monitors/${encodeURIComponent(monitor.id)}` : '/'}
          className="button button--secondary"
        >
          Cancel
        </Link>
      </div>
    </form>
  );
}
