'use client';

import type { EscalationPolicy } from '../lib/api-types';
import {
  byId,
  orgKeys,
  useApiMutation,
  useChannels,
  useEscalationPolicies,
  useMembers,
  useRotations,
} from '../lib/org-queries';
import { PolicyForm } from './escalation-policy-form';
import { ManagedBadge, ManagedEditWarning } from './managed-by-code';
import { ProblemBanner } from './problem-banner';
import { useInPlaceEdit } from './use-in-place-edit';

type Target = EscalationPolicy['steps'][number]['targets'][number];

/** Names a step's targets: the channel, the member's email, or "on call in" the rotation. */
function useTargetNames(): (target: Target) => string {
  const channels = new Map((useChannels().data?.items ?? []).map((c) => [c.id, c.name]));
  const members = new Map((useMembers().data?.items ?? []).map((m) => [m.userId, m.email]));
  const rotations = new Map((useRotations().data?.items ?? []).map((r) => [r.id, r.name]));
  return (t) =>
    t.type === 'channel'
      ? (channels.get(t.channelId) ?? 'a deleted channel')
      : t.type === 'member'
        ? (members.get(t.userId) ?? 'a former member')
        : `on call in ${rotations.get(t.rotationId) ?? 'a deleted rotation'}`;
}

function describeSteps(policy: EscalationPolicy, nameOf: (target: Target) => string): string {
  return policy.steps
    .map((step, i) => `${i + 1}: ${step.targets.map(nameOf).join(', ')}, then ${step.waitMinutes} min`)
    .join(' · ');
}

/** Escalation policies: the list (with the monitors using each) and one form that creates or edits. */
export function EscalationPage() {
  const policies = useEscalationPolicies();
  const nameOf = useTargetNames();
  const { editingId, notice, edit, done } = useInPlaceEdit('policy-form-title');
  const remove = useApiMutation<{ id: string }>('DELETE', byId('/v1/escalation-policies'), [
    orgKeys.escalationPolicies,
  ]);
  const items = policies.data?.items;
  const editing = items?.find((p) => p.id === editingId);
  return (
    <>
      <div className="page-header">
        <h1>Escalation policies</h1>
      </div>
      {notice ? (
        <p className="banner banner--success" role="status">
          {notice}
        </p>
      ) : null}
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
              <strong>{policy.name}</strong> <ManagedBadge resource={policy} /> —{' '}
              {describeSteps(policy, nameOf)}
              {policy.repeat > 0 ? `, repeated ${policy.repeat}×` : ''}
              {policy.reminderMinutes ? `, reminders every ${policy.reminderMinutes} min` : ''} (
              {policy.monitorIds.length} monitor(s)){' '}
              {/* aria-label, not hidden text: the list's text names each policy once */}
              <button
                type="button"
                className="button button--secondary button--small"
                aria-label={`Edit ${policy.name}`}
                onClick={() => edit(policy.id)}
              >
                Edit
              </button>{' '}
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
      <section aria-labelledby="policy-form-title" className="section">
        <ManagedEditWarning resource={editing} what="escalation policy" />
        <PolicyForm key={editing?.id ?? 'new'} existing={editing} onDone={done} />
      </section>
    </>
  );
}
