import type { PlannedChange } from '@sentinelmesh/core';

/** What POST /v1/managed/plan and /apply answer. */
export interface PlanResult {
  revision: string;
  applied: boolean;
  changes: PlannedChange[];
  unchanged: number;
}

const SIGN = { create: '+', update: '~', adopt: '>', delete: '-' } as const;

const show = (value: unknown) => (value === undefined || value === null ? '(none)' : JSON.stringify(value));

/** A plan as people read it: one line per resource, one indented line per changed field. */
export function renderPlan(plan: PlanResult): string {
  const lines: string[] = [];
  for (const change of plan.changes) {
    const adopted = change.action === 'adopt' ? ` (adopts "${change.name}", made elsewhere)` : '';
    lines.push(
      `${SIGN[change.action]} ${change.kind} ${change.key}${adopted}${change.action === 'create' ? ` "${change.name}"` : ''}`,
    );
    for (const field of change.fields) {
      lines.push(
        field.secret
          ? `    ${field.field}: (secret changed)`
          : `    ${field.field}: ${show(field.before)} → ${show(field.after)}`,
      );
    }
  }
  const count = (action: PlannedChange['action']) => plan.changes.filter((c) => c.action === action).length;
  lines.push(
    plan.changes.length === 0
      ? `No changes: the organization matches the file (${plan.unchanged} resources).`
      : `${plan.applied ? 'Applied' : 'Plan'}: ${count('create')} to create, ${count('update')} to update, ${count('adopt')} to adopt, ${count('delete')} to delete; ${plan.unchanged} unchanged.`,
  );
  return `${lines.join('\n')}\n`;
}
