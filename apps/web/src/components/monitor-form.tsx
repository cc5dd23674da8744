'use client';

import { httpMethods, type MonitorType } from '@sentinelmesh/core';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../lib/api-client';
import { groupProblems, type FormProblems as Problems } from '../lib/field-errors';
import {
  type HttpMethod,
  initialMonitorFormValues,
  type MonitorFormField,
  type MonitorFormValues,
  monitorFieldFor,
  validateMonitorForm,
} from '../lib/monitor-form';
import { focusFirstError } from '../lib/navigation';
import { useCreateMonitor } from '../lib/queries';
import { Field } from './field';
import { FormProblems } from './problem-banner';

/** Form order, by the id of the input to focus; the status range focuses its first input. */
const focusOrder = [
  'name',
  'type',
  'url',
  'method',
  'host',
  'port',
  'intervalSeconds',
  'timeoutMs',
  'statusLow',
  'failureThreshold',
  'retryIntervalSeconds',
] as const;

type NumericField = 'port' | 'intervalSeconds' | 'timeoutMs' | 'failureThreshold' | 'retryIntervalSeconds';

const noProblems: Problems<MonitorFormField> = { fields: {}, form: [] };

function focusIds(fields: Partial<Record<MonitorFormField, string>>): Partial<Record<string, string>> {
  const { statusRange, ...rest } = fields;
  return statusRange === undefined ? rest : { ...rest, statusLow: statusRange };
}

export function MonitorForm() {
  const router = useRouter();
  const create = useCreateMonitor();
  const [values, setValues] = useState<MonitorFormValues>(initialMonitorFormValues);
  const [problems, setProblems] = useState(noProblems);
  const errors = problems.fields;

  const setValue =
    (field: keyof MonitorFormValues) => (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      setValues((current) => ({ ...current, [field]: event.target.value }));

  const numberField = (field: NumericField, label: string, hint?: string) => (
    <Field id={field} label={label} hint={hint} error={errors[field]}>
      {(control) => (
        <input
          {...control}
          type="text"
          inputMode="numeric"
          value={values[field]}
          onChange={setValue(field)}
        />
      )}
    </Field>
  );

  function show(found: Problems<MonitorFormField>) {
    setProblems(found);
    focusFirstError(focusOrder, focusIds(found.fields));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const validation = validateMonitorForm(values);
    if (!validation.ok) return show(validation);
    setProblems(noProblems);
    try {
      const monitor = await create.mutateAsync(validation.input);
      router.push(`/monitors/${encodeURIComponent(monitor.id)}`);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length > 0) {
        const found = groupProblems(error.errors, monitorFieldFor);
        show({ fields: found.fields, form: [describeError(error), ...found.form] });
      } else {
        show({ fields: {}, form: [describeError(error)] });
      }
    }
  }

  const statusErrorId = errors.statusRange ? 'statusRange-error' : undefined;

  return (
    <form className="form form--wide" onSubmit={onSubmit} noValidate aria-labelledby="new-monitor-title">
      <h1 id="new-monitor-title">New monitor</h1>
      <FormProblems messages={problems.form} />

      <Field id="name" label="Name" error={errors.name}>
        {(control) => <input {...control} type="text" value={values.name} onChange={setValue('name')} />}
      </Field>

      <Field id="type" label="Type" error={errors.type}>
        {(control) => (
          <select {...control} value={values.type} onChange={setValue('type')}>
            <option value={'http' satisfies MonitorType}>HTTP(S)</option>
            <option value={'tcp' satisfies MonitorType}>TCP port</option>
          </select>
        )}
      </Field>

      {values.type === 'http' ? (
        <div className="form__row">
          <Field id="url" label="URL" hint="For example https://example.com/health" error={errors.url}>
            {(control) => (
              <input
                {...control}
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                value={values.url}
                onChange={setValue('url')}
              />
            )}
          </Field>
          <Field id="method" label="Method" error={errors.method}>
            {(control) => (
              <select {...control} value={values.method} onChange={setValue('method')}>
                {httpMethods.map((method: HttpMethod) => (
                  <option key={method} value={method}>
                    {method}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      ) : (
        <div className="form__row">
          <Field id="host" label="Host" hint="Host name or IP address" error={errors.host}>
            {(control) => (
              <input
                {...control}
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={values.host}
                onChange={setValue('host')}
              />
            )}
          </Field>
          {numberField('port', 'Port')}
        </div>
      )}

      <div className="form__row">
        {numberField('intervalSeconds', 'Interval (seconds)', 'Time between checks.')}
        {numberField(
          'timeoutMs',
          'Timeout (ms)',
          'Must be shorter than the interval. Empty: 10 s, or 80% of a shorter interval.',
        )}
      </div>

      {values.type === 'http' ? (
        <fieldset className={errors.statusRange ? 'field field--invalid' : 'field'}>
          <legend>Expected HTTP status</legend>
          <p id="statusRange-hint" className="field__hint">
            A response with a status in this range (inclusive) counts as up.
          </p>
          <div className="form__range">
            {(['statusLow', 'statusHigh'] as const).map((field) => (
              <span key={field} className="form__range-part">
                <label htmlFor={field}>{field === 'statusLow' ? 'From' : 'To'}</label>
                <input
                  id={field}
                  type="text"
                  inputMode="numeric"
                  aria-invalid={errors.statusRange ? true : undefined}
                  aria-describedby={['statusRange-hint', statusErrorId].filter(Boolean).join(' ')}
                  value={values[field]}
                  onChange={setValue(field)}
                />
              </span>
            ))}
          </div>
          {errors.statusRange ? (
            <p id={statusErrorId} className="field__error">
              {errors.statusRange}
            </p>
          ) : null}
        </fieldset>
      ) : null}

      <div className="form__row">
        {numberField(
          'failureThreshold',
          'Failure threshold',
          'Failed checks in a row before the monitor is down.',
        )}
        {numberField(
          'retryIntervalSeconds',
          'Retry interval (seconds)',
          'Wait before re-checking after a failure.',
        )}
      </div>

      <div className="form__actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create monitor'}
        </button>
        <Link href="/" className="button button--secondary">
          Cancel
        </Link>
      </div>
    </form>
  );
}
