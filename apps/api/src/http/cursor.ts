import { DomainError } from '@sentinelmesh/core';

/** Opaque cursors: base64url of a JSON array of strings (a keyset position). */
export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const invalid = () =>
  new DomainError('validation', 'the cursor is invalid', [
    { path: 'cursor', message: 'pass back a nextCursor value unchanged' },
  ]);

/** Decodes a cursor made by encodeCursor and checks each part; a tampered cursor is a 400, never a 500. */
export function decodeCursor(raw: string, checks: Array<(part: string) => boolean>): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parts) || parts.length !== checks.length) throw invalid();
  if (!parts.every((p, i) => typeof p === 'string' && checks[i]?.(p))) throw invalid();
  return parts as string[];
}

// Postgres' text form of a timestamptz keeps microseconds, which a JS Date would round away.
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;
export const isPgTimestamp = (value: string) => PG_TIMESTAMP.test(value);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Queries fetch `limit + 1` rows; the extra one only says that another page exists. */
export function toPage<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string[], view: (row: R) => T) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}
