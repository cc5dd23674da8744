'use client';

import { useState } from 'react';
import type { EscalationPolicy } from '../lib/api-types';
import { byId, orgKeys, useApiMutation, useChannels, useMembers, useRotations } from '../lib/org-queries';
import { ErrorSummary, Field } from './field';
import { useSimpleForm } from './use-simple-form';

type Target = EscalationPolicy['steps'][number]['targets'][number];

interface StepDraft {
  key: number;
  waitMinutes: string;
  /** `channel:<id>`, `member:<id>` or `rotation:<id>`. */
  targets: string[];
}

let nextKey = 0;
const draft = (waitMinutes = '5', targets: string[] = []): StepDraft => ({
  key: ++nextKey,
  waitMinutes,
  targets,
});

const targetKey = (t: Target) =>
  t.type === 'channel'
    ? `channel:${t.channelId}`
    : t.type === 'member'
      ? `member:${t.userId}`
      : `rotation:${t.rotationId}`;

const toTarget = (key: string): Target => {
  const [type, id = ''] = key.split(':');
  if (type === 'member') return { type: 'member', userId: id };
  if (type === 'rotation') return { type: 'rotation', rotationId: id };
  return { type: 'channel', channelId: id };
};

const isCount = (value: string, min: number) => /^\d+$/.test(value.trim()) && Number(value) >= min;

type PolicyField = 'name' | 'steps' | 'repeat' | 'reminderMinutes';

const labels: Record<PolicyField, string> = {
  name: 'Name',
  steps: 'Steps',
  repeat: 'Repeat the steps (times)',
  reminderMinutes: 'Remind every (minutes, empty: never)',
};

/** Who a step can notify: channels, members by email, and whoever is on call in a rotation. */
function useTargetOptions() {
  const channels = useChannels().data?.items ?? [];
  const members = useMembers().data?.items ?? [];
  const rotations = useRotations().data?.items ?? [];
  return [
    ...channels.map((c) => ({ key: `channel:${c.id}`, label: `Channel: ${c.name}` })),
    ...members.map((m) => ({ key: `member:${m.userId}`, label: `Member: ${m.email} (email)` })),
    ...rotations.map((r) => ({ key: `rotation:${r.id}`, label: `Rotation: ${r.name} (whoever is on call)` })),
  ];
}

/**
 * Creates a policy, or edits `existing` (sending its steps whole, in their order): each step notifies
 * its targets, then waits before the next; the steps repeat, and reminders follow if set.
 */
export function PolicyForm({
  existing,
  onDone,
}: {
  existing?: EscalationPolicy;
  onDone: (saved?: string) => void;
}) {
  const options = useTargetOptions();
  const [name, setName] = useState(existing?.name ?? '');
  const [repeat, setRepeat] = useState(String(existing?.repeat ?? 0));
  const [reminder, setReminder] = useState(existing?.reminderMinutes ? String(existing.reminderMinutes) : '');
  const [steps, setSteps] = useState<StepDraft[]>(
    existing?.steps.map((s) => draft(String(s.waitMinutes), s.targets.map(targetKey))) ?? [draft()],
  );
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/escalation-policies', [
    orgKeys.escalationPolicies,
  ]);
  const update = useApiMutation<{ id: string; patch: Record<string, unknown> }>(
    'PATCH',
    byId('/v1/escalation-policies'),
    [orgKeys.escalationPolicies],
    (input) => input.patch,
  );
  const form = useSimpleForm({
    idPrefix: 'policy',
    fields: ['name', 'steps', 'repeat', 'reminderMinutes'] as const,
    labels,
    check: () => {
      const errors: Partial<Record<PolicyField, string>> = {};
      if (!name.trim()) errors.name = 'Required';
      const empty = steps.findIndex((s) => s.targets.length === 0);
      const badWait = steps.findIndex((s) => !isCount(s.waitMinutes, 1));
      if (empty >= 0) errors.steps = `Step ${empty + 1} notifies nobody: pick at least one target`;
      else if (badWait >= 0) errors.steps = `Step ${badWait + 1}: wait a whole number of minutes, at least 1`;
      if (!isCount(repeat, 0)) errors.repeat = 'A whole number, 0 for no repeat';
      if (reminder.trim() !== '' && !isCount(reminder, 1)) errors.reminderMinutes = 'Whole minutes, or empty';
      return errors;
    },
    submit: async () => {
      const body = {
        name: name.trim(),
        repeat: Number(repeat),
        reminderMinutes: reminder.trim() === '' ? null : Number(reminder),
        steps: steps.map((s) => ({ waitMinutes: Number(s.waitMinutes), targets: s.targets.map(toTarget) })),
      };
      if (existing) await update.mutateAsync({ id: existing.id, patch: body });
      else {
        await create.mutateAsync(body);
        setName('');
        setSteps([draft()]);
      }
      onDone(`${existing ? 'Saved' : 'Created'} policy ${body.name}.`);
    },
  });
  const setStep = (i: number, step: StepDraft) => setSteps(steps.map((s, j) => (j === i ? step : s)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...steps];
    const [step] = next.splice(i, 1);
    if (step) next.splice(i + by, 0, step);
    setSteps(next);
  };
  const pending = create.isPending || update.isPending;

  return (
    <form className="form" onSubmit={form.onSubmit} noValidate aria-labelledby="policy-form-title">
      <h2 id="policy-form-title" tabIndex={-1}>
        {existing ? `Edit policy ${existing.name}` : 'New policy'}
      </h2>
      <ErrorSummary messages={form.formErrors} problems={form.problems} />
      <Field id="policy-name" label={labels.name} error={form.errors.name}>
        {(c) => <input {...c} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <div id="policy-steps" tabIndex={-1}>
        {form.errors.steps ? <p className="field__error">{form.errors.steps}</p> : null}
        {steps.map((step, i) => (
          <fieldset className="field" key={step.key}>
            <legend>Step {i + 1}</legend>
            {options.map((option) => (
              <label key={option.key} className="checkbox">
                <input
                  type="checkbox"
                  checked={step.targets.includes(option.key)}
                  onChange={(e) =>
                    setStep(i, {
                      ...step,
                      targets: e.target.checked
                        ? [...step.targets, option.key]
                        : step.targets.filter((t) => t !== option.key),
                    })
                  }
                />{' '}
                {option.label}
              </label>
            ))}
            <label htmlFor={`step-${step.key}-wait`}>Then wait (minutes)</label>
            <input
              id={`step-${step.key}-wait`}
              inputMode="numeric"
              value={step.waitMinutes}
              onChange={(e) => setStep(i, { ...step, waitMinutes: e.target.value })}
            />
            <div className="actions actions--inline">
              <button
                type="button"
                className="button button--secondary button--small"
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                Move up<span className="visually-hidden"> step {i + 1}</span>
              </button>
              <button
                type="button"
                className="button button--secondary button--small"
                disabled={i === steps.length - 1}
                onClick={() => move(i, 1)}
              >
                Move down<span className="visually-hidden"> step {i + 1}</span>
              </button>
              <button
                type="button"
                className="button button--secondary button--small"
                disabled={steps.length === 1}
                onClick={() => setSteps(steps.filter((_, j) => j !== i))}
              >
                Remove<span className="visually-hidden"> step {i + 1}</span>
              </button>
            </div>
          </fieldset>
        ))}
      </div>
      <button type="button" className="button button--small" onClick={() => setSteps([...steps, draft()])}>
        Add a step
      </button>
      <div className="form__row">
        <Field id="policy-repeat" label={labels.repeat} error={form.errors.repeat}>
          {(c) => (
            <input {...c} inputMode="numeric" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          )}
        </Field>
        <Field id="policy-reminderMinutes" label={labels.reminderMinutes} error={form.errors.reminderMinutes}>
          {(c) => (
            <input
              {...c}
              inputMode="numeric"
              value={reminder}
              onChange={(e) => setReminder(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="form__actions">
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Saving…' : existing ? 'Save changes' : 'Create policy'}
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
