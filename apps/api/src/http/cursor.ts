import { type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { apiErrors } from '../errors';
import { isUuid } from './ids';

/** Opaque cursors: base64url of a JSON array of strings (a keyset position). */
function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const invalid = apiErrors.invalidCursor;

/** Decodes a cursor made by encodeCursor and checks each part; a tampered cursor is a 400, never a 500. */
function decodeCursor(raw: string, checks: Array<(part: string) => boolean>): string[] {
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
const isPgTimestamp = (value: string) => PG_TIMESTAMP.test(value);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Queries fetch `limit + 1` rows; the extra one only says that another page exists. */
function toPage<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string[], view: (row: R) => T) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}

/** One column of a keyset: how its cursor part is checked and cast back in SQL. */
export interface KeysetColumn {
  /** A column reference such as `m.created_at`. */
  ref: string;
  type: 'timestamptz' | 'uuid' | 'text';
  /** For `text`: what a valid part looks like (others are checked by type). */
  check?: (part: string) => boolean;
}

export interface Keyset {
  columns: readonly [KeysetColumn, ...KeysetColumn[]];
  order: 'asc' | 'desc';
}

/** The usual keyset: a timestamp, ties broken by a uuid; newest first unless stated. */
export const byTimeThenId = (at: string, id: string, order: Keyset['order'] = 'desc'): Keyset => ({
  columns: [
    { ref: at, type: 'timestamptz' },
    { ref: id, type: 'uuid' },
  ],
  order,
});

const partCheck = (column: KeysetColumn) =>
  column.check ??
  (column.type === 'timestamptz' ? isPgTimestamp : column.type === 'uuid' ? isUuid : () => true);

/** The parts of a cursor of `keyset`, checked; a tampered cursor is a 400. */
export const readCursor = (keyset: Keyset, cursor: string) =>
  decodeCursor(cursor, keyset.columns.map(partCheck));

/**
 * One page of `query` in keyset order: rows after the cursor's position, `limit` of them and whether
 * more exist. Cursor parts are the columns' text form (a timestamptz keeps its microseconds), so the
 * cursors on the wire are those every list has always returned.
 */
export async function keysetPage<DB, TB extends keyof DB, O, T>(
  query: SelectQueryBuilder<DB, TB, O>,
  keyset: Keyset,
  page: { limit: number; cursor?: string | undefined },
  view: (row: O) => T,
): Promise<Page<T>> {
  const refs = sql.join(keyset.columns.map((c) => sql.ref(c.ref)));
  let q = query.select(
    keyset.columns.map((c, i) => sql<string>`${sql.ref(c.ref)}::text`.as(`keyset_${i}`)) as never,
  );
  if (page.cursor) {
    const parts = readCursor(keyset, page.cursor);
    const values = sql.join(keyset.columns.map((c, i) => sql`${parts[i]}::${sql.raw(c.type)}`));
    const after = keyset.order === 'desc' ? sql.raw('<') : sql.raw('>');
    q = q.where(sql<SqlBool>`(${refs}) ${after} (${values})` as never);
  }
  for (const c of keyset.columns) q = q.orderBy(sql.ref(c.ref) as never, keyset.order);
  const rows = (await q.limit(page.limit + 1).execute()) as Array<O & Record<string, string>>;
  return toPage(rows, page.limit, (row) => keyset.columns.map((_, i) => String(row[`keyset_${i}`])), view);
}
