import type { FieldProblem } from '@sentinelmesh/core';
import type { FastifyRequest } from 'fastify';
import { apiErrors } from '../errors';

// With the u flag, \p{Cs} matches only surrogates that are not part of a pair.
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** Why Postgres could not store `text`, or null when it can. */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'contains the NUL character (U+0000)';
  if (UNPAIRED_SURROGATE.test(text)) return 'is not well-formed Unicode (an unpaired surrogate)';
  return null;
}

interface Place {
  value: unknown;
  key: string;
  parent: Place | null;
}

const pathOf = (place: Place): string => {
  const keys: string[] = [];
  for (let p: Place | null = place; p?.parent; p = p.parent) keys.push(p.key);
  return keys.reverse().join('.');
};

/** Each string, and each object key, in `value` that Postgres text or jsonb cannot hold: `name`, `tags.0`. */
export function unstorableText(value: unknown): FieldProblem[] {
  const found: FieldProblem[] = [];
  // Iterative, with paths built only for what it reports: a body may nest thousands of levels deep
  // before the schema refuses it.
  const stack: Place[] = [{ value, key: '', parent: null }];
  for (let place = stack.pop(); place; place = stack.pop()) {
    if (typeof place.value === 'string') {
      const message = unstorable(place.value);
      if (message) found.push({ path: pathOf(place), message });
    } else if (place.value !== null && typeof place.value === 'object') {
      for (const [key, child] of Object.entries(place.value)) {
        const next = { value: child, key, parent: place };
        const message = unstorable(key);
        if (message) found.push({ path: pathOf(next), message: `its name ${message}` });
        stack.push(next);
      }
    }
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Refuses a request whose path, query or body carries text that Postgres can store in neither text
 * nor jsonb (U+0000, unpaired surrogates); it would otherwise fail deep in a query as a 500.
 */
export async function rejectUnstorableText(request: FastifyRequest): Promise<void> {
  const errors = [request.params, request.query, request.body].flatMap(unstorableText);
  if (errors.length === 0) return;
  throw apiErrors.unstorableText(errors);
}
