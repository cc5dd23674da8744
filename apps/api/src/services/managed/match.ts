import type { ChangeAction } from '@sentinelmesh/core';
import type { LiveBase } from './live';

/** A desired entry with the live resource it becomes (none: it is created). */
export interface Match<E, L> {
  entry: E;
  index: number;
  live: L | null;
  /** `create`, `adopt` (a live resource without a key takes this one), or null for a keyed match. */
  how: Extract<ChangeAction, 'create' | 'adopt'> | null;
}

/**
 * Pairs entries with live resources: by key first; an entry whose key nothing has yet takes the one
 * live resource without a key that has its identity (name, or a status page's slug), so a file
 * exported from what the dashboard made applies over it instead of beside it.
 */
export function matchEntries<E extends { key: string }, L extends LiveBase>(
  entries: E[],
  live: L[],
  identityOf: (entry: E) => string,
): { matches: Match<E, L>[]; leftover: L[] } {
  const byKey = new Map(live.filter((r) => r.key !== null).map((r) => [r.key as string, r]));
  const unkeyed = new Map<string, L[]>();
  for (const r of live.filter((r) => r.key === null)) {
    unkeyed.set(r.identity, [...(unkeyed.get(r.identity) ?? []), r]);
  }
  const taken = new Set<string>();
  const matches = entries.map((entry, index): Match<E, L> => {
    const keyed = byKey.get(entry.key);
    if (keyed) {
      taken.add(keyed.id);
      return { entry, index, live: keyed, how: null };
    }
    const candidates = (unkeyed.get(identityOf(entry)) ?? []).filter((r) => !taken.has(r.id));
    const [only] = candidates;
    if (candidates.length === 1 && only) {
      taken.add(only.id);
      return { entry, index, live: only, how: 'adopt' };
    }
    return { entry, index, live: null, how: 'create' };
  });
  return { matches, leftover: live.filter((r) => !taken.has(r.id)) };
}
