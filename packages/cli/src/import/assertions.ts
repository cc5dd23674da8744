import { type Assertion, isJsonPath, patternProblem } from '@sentinelmesh/core';

/** At most this many codes are listed in one `in` assertion (the schema's limit). */
const MAX_LISTED = 100;

/**
 * One status assertion accepting the given codes and ranges (`200-299`, `301`), or null when they
 * cannot be said in one: a single range is `between`, a few codes are `in`.
 */
export function statusAssertion(ranges: ReadonlyArray<readonly [number, number]>): Assertion | null {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [low, high] of sorted) {
    const last = merged.at(-1);
    if (last && low <= last[1] + 1) last[1] = Math.max(last[1], high);
    else merged.push([low, high]);
  }
  const [only, ...more] = merged;
  if (!only) return null;
  if (more.length === 0) {
    return only[0] === only[1]
      ? { source: 'status', op: 'eq', value: only[0] }
      : { source: 'status', op: 'between', value: [only[0], only[1]] };
  }
  const codes = merged.flatMap(([low, high]) => Array.from({ length: high - low + 1 }, (_, i) => low + i));
  return codes.length <= MAX_LISTED ? { source: 'status', op: 'in', value: codes } : null;
}

/** `$.a.b[0]` from a dotted path as Gatus and simple JSONata write it (`a.b[0]`, `$.a`, `.a`); null otherwise. */
export function jsonPathFrom(path: string): string | null {
  const trimmed = path.trim();
  if (trimmed === '' || trimmed === '$') return '$';
  const body = trimmed.replace(/^\$/, '').replace(/^\.?/, '.');
  const candidate = `$${body.startsWith('.[') ? body.slice(1) : body}`;
  return isJsonPath(candidate) ? candidate : null;
}

/** A text assertion value as the source meant it: `true`/`false` as booleans, numbers stay text. */
export function scalarValue(text: string): string | boolean | null {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  return text;
}

/** An RE2 pattern matching the whole text, from a shell-style glob (`*`, `?`, `[a-z]`); null when not valid. */
export function globPattern(glob: string): string | null {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*') out += '[\\s\\S]*';
    else if (char === '?') out += '[\\s\\S]';
    else if (char === '\\' && i + 1 < glob.length) out += literal(glob[++i] as string);
    else if (char === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) return null;
      const inner = glob.slice(i + 1, end).replace(/^!/, '^');
      out += `[${inner}]`;
      i = end;
    } else out += literal(char);
  }
  const pattern = `^${out}$`;
  return patternProblem(pattern) === null ? pattern : null;
}

const literal = (char: string) => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
