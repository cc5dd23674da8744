import type { FailedAssertion } from './check-result';
import { matchesPattern } from './regex';
import type { Assertion } from './schemas/assertion';

/** The parts of a response that assertions can look at. Header names are lower case. */
export interface ObservedResponse {
  statusCode: number | null;
  headers: Record<string, string>;
  body: string | null;
  latencyMs: number | null;
  certExpiresAt: Date | null;
  /** What json assertions read instead of parsing the body (a database check's `{ value, rows }`). */
  json?: unknown;
  /** The share of a ping's echo requests that got no reply, 0-100 (ping checks only). */
  packetLossPercent?: number | null;
}

const MISSING = Symbol('missing');
type Observed = unknown | typeof MISSING;

/** Reads a JSON path of the form `$.a.b[0]["c d"]`; MISSING when any step does not exist. */
export function readJsonPath(document: unknown, path: string): Observed {
  const steps = parseJsonPath(path);
  if (!steps) return MISSING;
  let current: unknown = document;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return MISSING;
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return MISSING;
      current = current[step];
    } else {
      if (Array.isArray(current) || !Object.hasOwn(current, step)) return MISSING;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/** True when the path is one `readJsonPath` can read. */
export const isJsonPath = (path: string): boolean => parseJsonPath(path) !== null;

function parseJsonPath(path: string): Array<string | number> | null {
  if (!path.startsWith('$')) return null;
  const steps: Array<string | number> = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) return null;
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else if (match[3] !== undefined) steps.push(match[3].replace(/\\(.)/g, '$1'));
  }
  return steps;
}

function observe(assertion: Assertion, response: ObservedResponse, now: Date): Observed {
  switch (assertion.source) {
    case 'status':
      return response.statusCode ?? MISSING;
    case 'responseTimeMs':
      return response.latencyMs ?? MISSING;
    case 'certExpiresInDays':
      return response.certExpiresAt
        ? Math.floor((response.certExpiresAt.getTime() - now.getTime()) / 86_400_000)
        : MISSING;
    case 'packetLossPercent':
      return response.packetLossPercent ?? MISSING;
    case 'header':
      return response.headers[(assertion.path ?? '').toLowerCase()] ?? MISSING;
    case 'body':
      return response.body ?? MISSING;
    case 'json': {
      if (response.json !== undefined) return readJsonPath(response.json, assertion.path ?? '$');
      if (response.body === null) return MISSING;
      try {
        return readJsonPath(JSON.parse(response.body), assertion.path ?? '$');
      } catch {
        return MISSING;
      }
    }
  }
}

function looseEquals(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (typeof actual === 'number' && typeof expected === 'string') return String(actual) === expected;
  if (typeof actual === 'string' && typeof expected === 'number') return actual === String(expected);
  return false;
}

function compare(op: Assertion['op'], actual: Observed, expected: unknown): boolean {
  if (op === 'exists') return actual !== MISSING && actual !== null;
  if (actual === MISSING) return op === 'neq' || op === 'not_contains';
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
  const number = typeof actual === 'number' ? actual : Number(actual);
  switch (op) {
    case 'eq':
      return looseEquals(actual, expected);
    case 'neq':
      return !looseEquals(actual, expected);
    case 'lt':
      return number < (expected as number);
    case 'lte':
      return number <= (expected as number);
    case 'gt':
      return number > (expected as number);
    case 'gte':
      return number >= (expected as number);
    case 'between': {
      const [low, high] = expected as [number, number];
      return number >= low && number <= high;
    }
    case 'contains':
      return text.includes(String(expected));
    case 'not_contains':
      return !text.includes(String(expected));
    case 'matches':
      return matchesPattern(text, String(expected));
    case 'in':
      return (expected as unknown[]).some((candidate) => looseEquals(actual, candidate));
  }
}

const MAX_ACTUAL_CHARS = 200;
function describeActual(actual: Observed): unknown {
  if (actual === MISSING) return null;
  if (typeof actual === 'string' && actual.length > MAX_ACTUAL_CHARS)
    return `${actual.slice(0, MAX_ACTUAL_CHARS)}…`;
  return actual;
}

/** Evaluates every assertion against a response; returns the ones that failed, each named with what was seen. */
export function evaluateAssertions(
  assertions: readonly Assertion[],
  response: ObservedResponse,
  now: Date,
): FailedAssertion[] {
  const failed: FailedAssertion[] = [];
  for (const assertion of assertions) {
    const actual = observe(assertion, response, now);
    if (!compare(assertion.op, actual, assertion.value)) {
      failed.push({
        source: assertion.source,
        ...(assertion.path ? { path: assertion.path } : {}),
        op: assertion.op,
        expected: assertion.value ?? null,
        actual: describeActual(actual),
      });
    }
  }
  return failed;
}

/** Short human text for a failed assertion, e.g. `status between [200,399], got 500`. */
export function describeFailedAssertion(f: FailedAssertion): string {
  const subject = f.path ? `${f.source} ${f.path}` : f.source;
  const expected = f.op === 'exists' ? '' : ` ${JSON.stringify(f.expected)}`;
  return `${subject} ${f.op}${expected}, got ${f.actual === null ? 'nothing' : JSON.stringify(f.actual)}`;
}
