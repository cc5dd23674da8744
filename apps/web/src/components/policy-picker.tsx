'use client';

import { useEscalationPolicies } from '../lib/org-queries';

/** The escalation policy a monitor's incidents climb instead of alerting its channels, or none. */
export function PolicyPicker({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const policies = useEscalationPolicies();
  const items = policies.data?.items ?? [];
  return (
    <div className="field">
      <label htmlFor="escalationPolicyId">Escalation policy</label>
      <select id="escalationPolicyId" value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">None: alert the channels above</option>
        {items.map((policy) => (
          <option key={policy.id} value={policy.id}>
            {policy.name}
          </option>
        ))}
      </select>
    </div>
  );
}
