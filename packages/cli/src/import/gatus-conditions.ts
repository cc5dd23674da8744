import { type Assertion, checkTypes, type MonitorType } from '@sentinelmesh/core';
import { globPattern, jsonPathFrom, scalarValue } from './assertions';
import { goDurationMs } from './gatus-duration';

/** What one Gatus condition becomes. */
export type ConditionOutcome =
  | { kind: 'assertions'; assertions: Assertion[] }
  /** The check itself fails without it (`[CONNECTED] == true`, `[DNS_RCODE] == NOERROR`). */
  | { kind: 'implied' }
  /** A DNS answer that must be among the records (`expectedValues`). */
  | { kind: 'expected'; value: string }
  /** The `minDaysLeft` of a type that judges its certificate itself (TLS, mail). */
  | { kind: 'minDaysLeft'; days: number }
  | { kind: 'unmapped'; reason: string };

type Operator = '==' | '!=' | '<=' | '>=' | '>' | '<';

/** In the order Gatus tries them: the first found splits the condition. */
const operators: Operator[] = ['==', '!=', '<=', '>=', '>', '<'];
const flipped: Record<Operator, Operator> = {
  '==': '==',
  '!=': '!=',
  '<=': '>=',
  '>=': '<=',
  '>': '<',
  '<': '>',
};
const ops: Record<Operator, Assertion['op']> = {
  '==': 'eq',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};
const DAY_MS = 86_400_000;

const unmapped = (reason: string): ConditionOutcome => ({ kind: 'unmapped', reason });
const isPlaceholder = (side: string) => /^(\[|len\(|has\()/i.test(side);

/**
 * Translates a Gatus condition (`[STATUS] == 200`, `[BODY].status == UP`, `[RESPONSE_TIME] < 300`,
 * `[CERTIFICATE_EXPIRATION] > 48h`, `pat(...)`, `any(...)`) for a monitor of the given type.
 */
export function translateCondition(condition: string, type: MonitorType): ConditionOutcome {
  const operator = operators.find((op) => condition.includes(` ${op} `));
  if (!operator) return unmapped('not a "<left> <operator> <right>" condition');
  const parts = condition.split(` ${operator} `).map((part) => part.trim());
  if (parts.length !== 2) return unmapped('more than one comparison');
  let [left = '', right = ''] = parts;
  let op = operator;
  if (!isPlaceholder(left) && isPlaceholder(right)) {
    [left, right] = [right, left];
    op = flipped[op];
  }
  const outcome = translate(left, op, right, type);
  if (outcome.kind !== 'assertions') return outcome;
  const { sources } = checkTypes[type].assertions;
  const refused = outcome.assertions.find((a) => !(sources as readonly string[]).includes(a.source));
  return refused ? unmapped(`a ${type} monitor cannot judge ${refused.source}`) : outcome;
}

function translate(left: string, op: Operator, right: string, type: MonitorType): ConditionOutcome {
  const upper = left.toUpperCase();
  if (upper === '[STATUS]') return compare({ source: 'status' }, op, right, 'number');
  if (upper === '[RESPONSE_TIME]') return compare({ source: 'responseTimeMs' }, op, right, 'duration');
  if (upper === '[CONNECTED]') {
    return op === '==' && right === 'true'
      ? { kind: 'implied' }
      : unmapped('only [CONNECTED] == true translates');
  }
  if (upper === '[DNS_RCODE]') {
    return type === 'dns' && op === '==' && right.toUpperCase() === 'NOERROR'
      ? { kind: 'implied' }
      : unmapped('a DNS check fails on any answer code but NOERROR; other codes cannot be expected');
  }
  if (upper === '[CERTIFICATE_EXPIRATION]') return certificate(op, right, type);
  if (upper === '[DOMAIN_EXPIRATION]') return unmapped('domain expiry: add a domain monitor for the domain');
  if (upper === '[IP]') return unmapped('the resolved IP address cannot be asserted');
  if (upper.startsWith('[CONTEXT]')) return unmapped('suite context values are not supported');
  if (upper === '[BODY]') return body(op, right, type);
  if (upper.startsWith('[BODY]')) return jsonBody(left.slice('[BODY]'.length), op, right, type);
  const has = /^has\((\[BODY\].*)\)$/i.exec(left);
  if (has?.[1] && op === '==' && right === 'true') {
    const path = jsonPathFrom(has[1].slice('[BODY]'.length));
    if (path) return { kind: 'assertions', assertions: [{ source: 'json', path, op: 'exists' }] };
  }
  if (/^len\(/i.test(left)) return unmapped('len() has no counterpart: lengths cannot be asserted');
  return unmapped(`${left} has no counterpart`);
}

type Kind = 'number' | 'duration' | 'text';

/** `<source> <op> <value>` with the value as the kind says, `any(...)` and `pat(...)` included. */
function compare(
  base: Pick<Assertion, 'source' | 'path'>,
  op: Operator,
  right: string,
  kind: Kind,
): ConditionOutcome {
  const any = /^any\((.*)\)$/s.exec(right);
  if (any?.[1] !== undefined) {
    const values = any[1].split(',').map((v) => typed(v.trim(), kind));
    if (values.some((v) => v === undefined))
      return unmapped(`any(${any[1]}) holds a value that is not a ${kind}`);
    const listed = values as Array<string | number | boolean | null>;
    if (op === '==') return { kind: 'assertions', assertions: [{ ...base, op: 'in', value: listed }] };
    if (op === '!=') {
      return { kind: 'assertions', assertions: listed.map((value) => ({ ...base, op: 'neq', value })) };
    }
    return unmapped(`any() only compares with == or !=`);
  }
  const pat = /^pat\((.*)\)$/s.exec(right);
  if (pat?.[1] !== undefined) {
    const pattern = globPattern(pat[1]);
    if (op !== '==') return unmapped('a pattern can only be required to match (==)');
    if (!pattern) return unmapped(`pat(${pat[1]}) is not a pattern RE2 can run`);
    return { kind: 'assertions', assertions: [{ ...base, op: 'matches', value: pattern }] };
  }
  const value = typed(right, op === '==' || op === '!=' ? kind : kind === 'text' ? 'number' : kind);
  if (value === undefined) return unmapped(`${right} is not a ${kind === 'text' ? 'number' : kind}`);
  return { kind: 'assertions', assertions: [{ ...base, op: ops[op], value }] };
}

function typed(text: string, kind: Kind): string | number | boolean | null | undefined {
  if (kind === 'text') return scalarValue(text);
  if (kind === 'duration') return goDurationMs(text) ?? numeric(text);
  return numeric(text);
}

function numeric(text: string): number | undefined {
  const number = Number(text);
  return text !== '' && Number.isFinite(number) ? number : undefined;
}

function body(op: Operator, right: string, type: MonitorType): ConditionOutcome {
  if (type === 'grpc')
    return unmapped('a gRPC check judges SERVING itself; other body conditions cannot be set');
  if (type === 'dns' && op === '==' && !/^(pat|any)\(/.test(right)) return { kind: 'expected', value: right };
  return compare({ source: 'body' }, op, right, 'text');
}

function jsonBody(suffix: string, op: Operator, right: string, type: MonitorType): ConditionOutcome {
  if (type === 'grpc' && suffix.toLowerCase() === '.status') {
    return op === '==' && right === 'SERVING'
      ? { kind: 'implied' }
      : unmapped('a gRPC check is up only on SERVING; other statuses cannot be expected');
  }
  const path = jsonPathFrom(suffix);
  if (!path) return unmapped(`[BODY]${suffix} is not a JSON path SentinelMesh can read`);
  return compare({ source: 'json', path }, op, right, 'text');
}

/** `[CERTIFICATE_EXPIRATION] > 720h`: whole days left, from a duration or milliseconds. */
function certificate(op: Operator, right: string, type: MonitorType): ConditionOutcome {
  const ms = goDurationMs(right) ?? numeric(right);
  if (ms === undefined) return unmapped(`${right} is not a duration`);
  if (op !== '>' && op !== '>=') return unmapped('only a lower bound on the time left (> or >=) translates');
  const days = Math.ceil(ms / DAY_MS);
  if ('minDaysLeft' in checkTypes[type].fields) return { kind: 'minDaysLeft', days };
  return { kind: 'assertions', assertions: [{ source: 'certExpiresInDays', op: 'gte', value: days }] };
}
