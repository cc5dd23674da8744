'use client';

import type { ChannelField, ChannelTypeName } from '@sentinelmesh/core';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../lib/api-client';
import type { Channel } from '../lib/api-types';
import { groupProblems } from '../lib/field-errors';
import { orgKeys, useApiMutation } from '../lib/org-queries';
import { channelFields, channelSettings, channelTypeOptions } from './channel-config';
import { Field } from './field';
import { FormProblems } from './problem-banner';

/** Errors by `name` or `config.<field>`. */
type Errors = Partial<Record<string, string>>;

const controlId = (field: ChannelField) => `channel-config-${field.name}`;

/** One setting's control, from its kind in the registry. */
function SettingInput({
  field,
  value,
  error,
  onChange,
}: {
  field: ChannelField;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <Field id={controlId(field)} label={field.label} hint={field.hint} error={error}>
      {(control) => (
        <input
          {...control}
          type={field.kind === 'password' ? 'password' : 'text'}
          inputMode={field.kind === 'url' ? 'url' : field.kind === 'email-list' ? 'email' : undefined}
          spellCheck={false}
          autoComplete="off"
          placeholder={field.placeholder}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Adds a channel of any registered type; a webhook's generated secret is shown once, right after creation. */
export function ChannelCreateForm() {
  const [type, setType] = useState<ChannelTypeName>('slack');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Errors>({});
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [created, setCreated] = useState<Channel | null>(null);
  const create = useApiMutation<Record<string, unknown>, Channel>('POST', () => '/v1/channels', [
    orgKeys.channels,
  ]);
  const fields = channelFields(type);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const local: Errors = {};
    if (name.trim() === '') local.name = 'Required';
    for (const field of fields) {
      if (!field.optional && (values[field.name] ?? '').trim() === '')
        local[`config.${field.name}`] = 'Required';
    }
    setErrors(local);
    setFormErrors([]);
    const firstMissing = local.name ? 'channel-name' : fields.find((f) => local[`config.${f.name}`]);
    if (firstMissing) {
      const id = typeof firstMissing === 'string' ? firstMissing : controlId(firstMissing);
      return document.getElementById(id)?.focus();
    }
    try {
      const channel = await create.mutateAsync({
        type,
        name: name.trim(),
        config: channelSettings(type, values),
      });
      setCreated(channel);
      setName('');
      setValues({});
    } catch (error) {
      const known = new Set(fields.map((f) => f.name));
      const found =
        error instanceof ApiError
          ? groupProblems(error.errors, ([first, second]) =>
              first === 'name'
                ? 'name'
                : first === 'config' && second && known.has(second)
                  ? `config.${second}`
                  : null,
            )
          : { fields: {}, form: [] };
      setErrors(found.fields);
      setFormErrors([describeError(error), ...found.form]);
    }
  }

  const createdSecret = created && typeof created.config.secret === 'string' ? created.config.secret : null;
  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="new-channel-title">
      <h2 id="new-channel-title">Add a channel</h2>
      <FormProblems messages={formErrors} />
      {created ? (
        <div className="banner banner--success" role="status">
          <p>Channel “{created.name}” added. Use “Send test” below to check it works.</p>
          {createdSecret && !createdSecret.includes('…') ? (
            <p>
              Signing secret (shown once): <code>{createdSecret}</code>
            </p>
          ) : null}
        </div>
      ) : null}
      <Field id="channel-type" label="Type">
        {(control) => (
          <select
            {...control}
            value={type}
            onChange={(e) => {
              setType(e.target.value as ChannelTypeName);
              setErrors({});
            }}
          >
            {channelTypeOptions.map((option) => (
              <option key={option.name} value={option.name}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id="channel-name"
        label="Name"
        hint="For example “#ops-alerts” or “On-call phone”."
        error={errors.name}
      >
        {(control) => (
          <input {...control} type="text" value={name} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      {fields.map((field) => (
        <SettingInput
          key={`${type}-${field.name}`}
          field={field}
          value={values[field.name] ?? ''}
          error={errors[`config.${field.name}`]}
          onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))}
        />
      ))}
      <button type="submit" className="button" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add channel'}
      </button>
    </form>
  );
}
