import type { Assertion } from '@sentinelmesh/core';

/** One row of the assertion builder, as typed. */
export interface AssertionRow {
  key: string;
  source: Assertion['source'];
  path: string;
  op: Assertion['op'];
  value: string;
}

export const sourceLabels: Record<Assertion['source'], string> = {
  status: 'HTTP status',
  body: 'Response body',
  json: 'JSON value',
  header: 'Response header',
  responseTimeMs: 'Response time (ms)',
  certExpiresInDays: 'Certificate expires in (days)',
  packetLossPercent: 'Packet loss (%)',
};

export const opLabels: Record<Assertion['op'], string> = {
  eq: 'equals',
  neq: 'does not equal',
  lt: 'is less than',
  lte: 'is at most',
  gt: 'is greater than',
  gte: 'is at least',
  between: 'is between',
  contains: 'contains',
  not_contains: 'does not contain',
  matches: 'matches regex',
  exists: 'exists',
  in: 'is one of',
};

const numericSources = new Set(['status', 'responseTimeMs', 'certExpiresInDays', 'packetLossPercent']);

/** Operators that make sense for a source, so the builder never offers "HTTP status matches regex". */
export function opsFor(source: Assertion['source']): Assertion['op'][] {
  if (source === 'status') return ['between', 'eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in'];
  if (numericSources.has(source)) return ['lt', 'lte', 'gt', 'gte', 'eq', 'neq', 'between', 'in'];
  if (source === 'body') return ['contains', 'not_contains', 'matches', 'eq', 'neq'];
  if (source === 'header') return ['contains', 'not_contains', 'eq', 'neq', 'matches', 'exists'];
  return ['eq', 'neq', 'contains', 'not_contains', 'matches', 'lt', 'lte', 'gt', 'gte', 'exists', 'in'];
}

export const needsPath = (source: Assertion['source']) => source === 'json' || source === 'header';

export function valueHint(row: Pick<AssertionRow, 'source' | 'op'>): string {
  if (row.op === 'exists') return '';
  if (row.op === 'between') return 'Two numbers, e.g. 200-299';
  if (row.op === 'in') return 'Comma-separated, e.g. 200, 204';
  if (row.op === 'matches') return 'A regular expression';
  if (row.source === 'json') return 'Text, or a number / true / false / null';
  return '';
}

let counter = 0;
export const rowKey = () => `a${++counter}`;

const firstOp: Record<Assertion['source'], Assertion['op']> = {
  status: 'between',
  body: 'contains',
  json: 'eq',
  header: 'contains',
  responseTimeMs: 'lt',
  certExpiresInDays: 'gt',
  packetLossPercent: 'lte',
};

export function emptyAssertionRow(source: Assertion['source'] = 'status', key = rowKey()): AssertionRow {
  return { key, source, path: '', op: firstOp[source], value: source === 'status' ? '200-399' : '' };
}

/** A value the schema cannot explain well ("Invalid input"): numbers that are not numbers. */
export function rowValueProblem(row: AssertionRow): string | null {
  if (row.op === 'exists') return null;
  const numeric = numericSources.has(row.source) || ['lt', 'lte', 'gt', 'gte', 'between'].includes(row.op);
  if (row.value.trim() === '') return 'Enter a value';
  if (!numeric) return null;
  const assertion = toAssertion(row);
  const values = Array.isArray(assertion.value) ? assertion.value : [assertion.value];
  if (values.some((v) => typeof v !== 'number' || Number.isNaN(v))) {
    return row.op === 'between' ? 'Enter two numbers, e.g. 200-299' : 'Enter a number';
  }
  return null;
}

function scalar(text: string, numeric: boolean): string | number | boolean | null {
  const trimmed = text.trim();
  if (numeric) return trimmed === '' ? Number.NaN : Number(trimmed);
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (trimmed !== '' && /^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}

/** The API assertion a row describes; numbers that do not parse become NaN so the schema reports them. */
export function toAssertion(row: AssertionRow): Assertion {
  const numeric = numericSources.has(row.source) || ['lt', 'lte', 'gt', 'gte', 'between'].includes(row.op);
  const base = {
    source: row.source,
    op: row.op,
    ...(needsPath(row.source) ? { path: row.path.trim() } : {}),
  };
  if (row.op === 'exists') return base;
  if (row.op === 'between') {
    const parts = row.value.split(/\s*(?:-|–|,|\.\.|\s)\s*/).filter((p) => p !== '');
    return { ...base, value: parts.map((p) => Number(p)) };
  }
  if (row.op === 'in') {
    return { ...base, value: row.value.split(',').map((p) => scalar(p, numeric)) };
  }
  if (row.source === 'body' || row.source === 'header' || row.op === 'matches' || row.op === 'contains') {
    return { ...base, value: numeric && row.op !== 'matches' ? Number(row.value) : row.value };
  }
  return { ...base, value: scalar(row.value, numeric) };
}

/** The row that shows a stored assertion. */
export function fromAssertion(assertion: Assertion): AssertionRow {
  const value = assertion.value;
  let text = '';
  if (assertion.op === 'between' && Array.isArray(value)) text = value.join('-');
  else if (Array.isArray(value)) text = value.map(String).join(', ');
  else if (value !== undefined) text = String(value);
  return {
    key: rowKey(),
    source: assertion.source,
    path: assertion.path ?? '',
    op: assertion.op,
    value: text,
  };
}
