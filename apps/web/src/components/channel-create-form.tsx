'use client';

import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../lib/api-client';
import type { Channel } from '../lib/api-types';
import { groupProblems } from '../lib/field-errors';
import { orgKeys, useApiMutation } from '../lib/org-queries';
import { channelConfig, channelTypeSpecs, slackSpec } from './channel-config';
import { Field } from './field';
import { FormProblems } from './problem-banner';

type Errors = Partial<Record<string, string>>;

/** Adds a channel; a webhook's generated secret is shown once, right after creation. */
export function ChannelCreateForm() {
  const [type, setType] = useState('slack');
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [secret, setSecret] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [created, setCreated] = useState<Channel | null>(null);
  const create = useApiMutation<Record<string, unknown>, Channel>('POST', () => '/v1/channels', [
    orgKeys.channels,
  ]);
  const spec = channelTypeSpecs[type] ?? slackSpec;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const local: Errors = {};
    if (name.trim() === '') local.name = 'Required';
    if (value.trim() === '') local.value = 'Required';
    setErrors(local);
    setFormErrors([]);
    if (Object.keys(local).length > 0)
      return document.getElementById(local.name ? 'channel-name' : 'channel-value')?.focus();
    try {
      const channel = await create.mutateAsync({
        type,
        name: name.trim(),
        config: channelConfig(type, value, secret),
      });
      setCreated(channel);
      setName('');
      setValue('');
      setSecret('');
    } catch (error) {
      const found =
        error instanceof ApiError
          ? groupProblems(error.errors, ([first, second]) =>
              first === 'name'
                ? 'name'
                : first === 'config'
                  ? second === 'secret'
                    ? 'secret'
                    : 'value'
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
          <select {...control} value={type} onChange={(e) => setType(e.target.value)}>
            {Object.entries(channelTypeSpecs).map(([key, s]) => (
              <option key={key} value={key}>
                {s.label}
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
      <Field id="channel-value" label={spec.fieldLabel} hint={spec.hint} error={errors.value}>
        {(control) => (
          <input
            {...control}
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder={spec.placeholder}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
      </Field>
      {spec.secret ? (
        <Field id="channel-secret" label={spec.secret.label} hint={spec.secret.hint} error={errors.secret}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="off"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          )}
        </Field>
      ) : null}
      <button type="submit" className="button" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add channel'}
      </button>
    </form>
  );
}
