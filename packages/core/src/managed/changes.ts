import type { ResourceKind } from './resources';

/** What an apply does to one resource; `adopt` gives a key to a resource made elsewhere with the same name. */
export const changeActions = ['create', 'update', 'adopt', 'delete'] as const;
export type ChangeAction = (typeof changeActions)[number];

/** One field of a resource that an apply changes; a secret's values are never shown. */
export interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
  secret?: boolean;
}

export interface PlannedChange {
  kind: ResourceKind;
  key: string;
  action: ChangeAction;
  /** The live resource's id; null for one still to create. */
  id: string | null;
  name: string;
  fields: FieldChange[];
}

/** The same value whatever the order of object keys, with undefined values left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, inner]) => inner !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/**
 * The top-level fields whose values differ between a live resource and its desired state. `shown`
 * gives the same two with secrets masked: a field that differs only behind its mask is reported as a
 * changed secret, without values.
 */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  shown: { before: Record<string, unknown>; after: Record<string, unknown> } = { before, after },
): FieldChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: FieldChange[] = [];
  for (const field of names) {
    if (canonicalJson(before[field] ?? null) === canonicalJson(after[field] ?? null)) continue;
    const visible = { before: shown.before[field] ?? null, after: shown.after[field] ?? null };
    changes.push(
      canonicalJson(visible.before) === canonicalJson(visible.after)
        ? { field, secret: true }
        : { field, ...visible },
    );
  }
  return changes;
}
