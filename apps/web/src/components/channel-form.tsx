'use client';

import { type ChannelField, type ChannelTypeName, isChannelTypeName } from '@sentinelmesh/core';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../lib/api-client';
import type { Channel } from '../lib/api-types';
import { groupProblems } from '../lib/field-errors';
import { orgKeys, useApiMutation } from '../lib/org-queries';
import {
  channelFields,
  channelFormValues,
  channelSettings,
  channelTypeOptions,
  isSecretField,
} from './channel-config';
import { Field } from './field';
import { FormProblems } from './problem-banner';

/** Errors by `name` or `config.<field>`. */
type Errors = Partial<Record<string, string>>;

/** Ids unique per form: the page shows the create form and an edit form at once. */
const controlId = (prefix: string, field: ChannelField) => `${prefix}-config-${field.name}`;

/** One setting's control, from its kind in the registry. */
function SettingInput({
  id,
  field,
  value,
  error,
  keptSecret,
  onChange,
}: {
  id: string;
  field: ChannelField;
  value: string;
  error: string | undefined;
  /** Editing a secret: its masked stored value, kept when the input is left empty. */
  keptSecret: string | null;
  onChange: (value: string) => void;
}) {
  // Editing, a secret's own hint (what an empty one means on create) no longer applies.
  const hint = keptSecret === null ? field.hint : `Leave empty to keep the current one (${keptSecret}).`;
  return (
    <Field id={id} label={field.label} hint={hint} error={error}>
      {(control) =>
        field.kind === 'code' || field.kind === 'headers' ? (
          <textarea
            {...control}
            rows={field.kind === 'code' ? 8 : 3}
            spellCheck={false}
            autoComplete="off"
            placeholder={field.placeholder}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        ) : (
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
        )
      }
    </Field>
  );
}

/**
 * Adds a channel of any registered type, or edits `channel` (its type stays; secrets left empty keep
 * their stored values). A webhook's generated secret is shown once, right after creation.
 */
export function ChannelForm({ channel, onDone }: { channel?: Channel; onDone?: () => void }) {
  const editing = channel !== undefined;
  const prefix = editing ? `channel-${channel.id}` : 'channel';
  const initialType: ChannelTypeName = channel && isChannelTypeName(channel.type) ? channel.type : 'slack';
  const [type, setType] = useState<ChannelTypeName>(initialType);
  const [name, setName] = useState(channel?.name ?? '');
  const [isDefault, setIsDefault] = useState(channel?.isDefault ?? false);
  const [values, setValues] = useState<Record<string, string>>(() =>
    channel ? channelFormValues(initialType, channel.config) : {},
  );
  const [errors, setErrors] = useState<Errors>({});
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [created, setCreated] = useState<Channel | null>(null);
  const save = useApiMutation<Record<string, unknown>, Channel>(
    editing ? 'PATCH' : 'POST',
    () => (editing ? `/v1/channels/${encodeURIComponent(channel.id)}` : '/v1/channels'),
    [orgKeys.channels],
  );
  const fields = channelFields(type);
  const nameId = `${prefix}-name`;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const local: Errors = {};
    if (name.trim() === '') local.name = 'Required';
    for (const field of fields) {
      const kept = editing && isSecretField(type, field.name);
      if (!field.optional && !kept && (values[field.name] ?? '').trim() === '')
        local[`config.${field.name}`] = 'Required';
    }
    setErrors(local);
    setFormErrors([]);
    const firstMissing = local.name ? nameId : fields.find((f) => local[`config.${f.name}`]);
    if (firstMissing) {
      const id = typeof firstMissing === 'string' ? firstMissing : controlId(prefix, firstMissing);
      return document.getElementById(id)?.focus();
    }
    const config = channelSettings(type, values, { keepSecrets: editing });
    try {
      if (editing) {
        // Without a changed setting the stored (sealed) settings are left as they are.
        const changes = Object.keys(config).length > 0 ? { config } : {};
        await save.mutateAsync({ name: name.trim(), isDefault, ...changes });
        onDone?.();
        return;
      }
      setCreated(await save.mutateAsync({ type, name: name.trim(), isDefault, config }));
      setName('');
      setValues({});
      setIsDefault(false);
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
  const titleId = `${prefix}-form-title`;
  const masked = (field: ChannelField) => {
    if (!channel || !isSecretField(type, field.name)) return null;
    const stored = channel.config[field.name];
    if (stored && typeof stored === 'object') {
      const names = Object.keys(stored);
      return names.length > 0 ? names.join(', ') : 'none set';
    }
    return typeof stored === 'string' && stored !== '' ? stored : 'none set';
  };
  return (
    <form
      className={editing ? 'form channel-edit' : 'card form'}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={titleId}
    >
      {editing ? <h4 id={titleId}>Edit “{channel.name}”</h4> : <h2 id={titleId}>Add a channel</h2>}
      <FormProblems messages={formErrors} />
      {created ? (
        <div className="banner banner--success" role="status">
          <p>Channel “{created.name}” added. Use “Send test” above to check it works.</p>
          {createdSecret && !createdSecret.includes('…') ? (
            <p>
              Signing secret (shown once): <code>{createdSecret}</code>
            </p>
          ) : null}
        </div>
      ) : null}
      {editing ? null : (
        <Field id={`${prefix}-type`} label="Type">
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
      )}
      <Field
        id={nameId}
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
          id={controlId(prefix, field)}
          field={field}
          value={values[field.name] ?? ''}
          error={errors[`config.${field.name}`]}
          keptSecret={masked(field)}
          onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))}
        />
      ))}
      <label className="checkbox">
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
        Default for new monitors (preselected, and used when the API creates a monitor without channels)
      </label>
      <div className="actions actions--inline">
        <button type="submit" className="button" disabled={save.isPending}>
          {editing
            ? save.isPending
              ? 'Saving…'
              : 'Save changes'
            : save.isPending
              ? 'Adding…'
              : 'Add channel'}
        </button>
        {editing ? (
          <button type="button" className="button button--secondary" onClick={() => onDone?.()}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
