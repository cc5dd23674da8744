'use client';

import { type FormEvent, useState } from 'react';
import type { EscalationPolicy } from '../lib/api-types';
import {
  byId,
  orgKeys,
  useApiMutation,
  useChannels,
  useEscalationPolicies,
  useMembers,
} from '../lib/org-queries';
import { ProblemBanner } from './problem-banner';

interface StepDraft {
  key: number;
  waitMinutes: string;
  /** `channel:<id>` or `member:<id>`. */
  targets: string[];
}

let nextKey = 0;
const emptyStep = (): StepDraft => ({ key: ++nextKey, waitMinutes: '5', targets: [] });

const toTarget = (key: string) => {
  const [type, id = ''] = key.split(':');
  return type === 'member'
    ? { type: 'member' as const, userId: id }
    : { type: 'channel' as const, channelId: id };
};

/** A new policy: its steps (each waits, then the next fires), how often it repeats, its reminders. */
function PolicyForm() {
  const channels = useChannels().data?.items ?? [];
  const members = useMembers().data?.items ?? [];
  const [name, setName] = useState('');
  const [repeat, setRepeat] = useState('0');
  const [reminder, setReminder] = useState('');
  const [steps, setSteps] = useState<StepDraft[]>([emptyStep()]);
  const create = useApiMutation<Record<string, unknown>>('POST', () => '/v1/escalation-policies', [
    orgKeys.escalationPolicies,
  ]);
  const setStep = (i: number, step: StepDraft) => setSteps(steps.map((s, j) => (j === i ? step : s)));
  const options = [
    ...channels.map((c) => ({ key: `channel:${c.id}`, label: `Channel: ${c.name}` })),
    ...members.map((m) => ({ key: `member:${m.userId}`, label: `Member: ${m.email} (email)` })),
  ];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        repeat: Number(repeat),
        reminderMinutes: reminder.trim() === '' ? null : Number(reminder),
        steps: steps.map((s) => ({ waitMinutes: Number(s.waitMinutes), targets: s.targets.map(toTarget) })),
      },
      {
        onSuccess: () => {
          setName('');
          setSteps([emptyStep()]);
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={submit} aria-label="New escalation policy">
      {create.error ? <ProblemBanner error={create.error} /> : null}
      <div className="field">
        <label htmlFor="policy-name">Name</label>
        <input id="policy-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </div>
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
          <label htmlFor={`step-${i}-wait`}>Then wait (minutes)</label>
          <input
            id={`step-${i}-wait`}
            inputMode="numeric"
            value={step.waitMinutes}
            onChange={(e) => setStep(i, { ...step, waitMinutes: e.target.value })}
          />
        </fieldset>
      ))}
      <button
        type="button"
        className="button button--small"
        onClick={() => setSteps([...steps, emptyStep()])}
      >
        Add a step
      </button>
      <div className="form__row">
        <div className="field">
          <label htmlFor="policy-repeat">Repeat the steps (times)</label>
          <input
            id="policy-repeat"
            inputMode="numeric"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="policy-reminder">Remind every (minutes, empty: never)</label>
          <input
            id="policy-reminder"
            inputMode="numeric"
            value={reminder}
            onChange={(e) => setReminder(e.target.value)}
          />
        </div>
      </div>
      <button type="submit" className="button" disabled={create.isPending}>
        Create policy
      </button>
    </form>
  );
}

function describeSteps(policy: EscalationPolicy): string {
  return policy.steps
    .map((step, i) => `${i + 1}: ${step.targets.length} target(s), then ${step.waitMinutes} min`)
    .join(' · ');
}

/** Escalation policies: the list (with the monitors using each) and a form for a new one. */
export function EscalationPage() {
  const policies = useEscalationPolicies();
  const remove = useApiMutation<{ id: string }>('DELETE', byId('/v1/escalation-policies'), [
    orgKeys.escalationPolicies,
  ]);
  const items = policies.data?.items;
  return (
    <>
      <div className="page-header">
        <h1>Escalation policies</h1>
      </div>
      {policies.error ? (
        <ProblemBanner error={policies.error} onRetry={() => void policies.refetch()} />
      ) : null}
      {remove.error ? <ProblemBanner error={remove.error} /> : null}
      {items && items.length === 0 ? (
        <p className="empty empty--inline">No escalation policies yet.</p>
      ) : null}
      {items && items.length > 0 ? (
        <ul aria-label="Escalation policies">
          {items.map((policy) => (
            <li key={policy.id}>
              <strong>{policy.name}</strong> — {describeSteps(policy)}
              {policy.repeat > 0 ? `, repeated ${policy.repeat}×` : ''}
              {policy.reminderMinutes ? `, reminders every ${policy.reminderMinutes} min` : ''} (
              {policy.monitorIds.length} monitor(s)){' '}
              <button
                type="button"
                className="button button--small"
                disabled={remove.isPending || policy.monitorIds.length > 0}
                onClick={() => remove.mutate({ id: policy.id })}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <section aria-labelledby="new-policy" className="section">
        <h2 id="new-policy">New policy</h2>
        <PolicyForm />
      </section>
    </>
  );
}
