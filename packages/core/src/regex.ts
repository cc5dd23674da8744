import { RE2JS, RE2JSException } from 're2js';

/**
 * Every regular expression a user writes runs on RE2 (the re2js port): matching time grows
 * linearly with the text, whatever the pattern, so a target's answer cannot stall a worker.
 * RE2 has no backreferences and no lookarounds; those patterns are refused, not approximated.
 */

/** The longest pattern accepted, in characters. */
export const MAX_PATTERN_CHARS = 512;

/** Patterns see at most 64 KiB of text, which bounds the cost of one match. */
export const MAX_MATCH_CHARS = 64 * 1024;

const CACHE_SIZE = 256;
const compiled = new Map<string, RE2JS>();

/** Why RE2 refuses a pattern, in words for an API field problem (the engine's own message follows). */
function refusal(pattern: string, error: unknown): string {
  const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : '';
  if (/\(\?<?[=!]/.test(pattern)) return 'lookahead and lookbehind are not supported (RE2 syntax)';
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences are not supported (RE2 syntax)';
  return `not a valid regular expression${detail ? `: ${detail}` : ''}`;
}

/** Why a user-supplied pattern is refused, or null when it compiles within the limits. */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_CHARS) return `a pattern is at most ${MAX_PATTERN_CHARS} characters`;
  try {
    compilePattern(pattern);
    return null;
  } catch (error) {
    return refusal(pattern, error);
  }
}

/** Compiles a pattern with RE2 (cached); throws on syntax RE2 does not accept. */
export function compilePattern(pattern: string): RE2JS {
  const cached = compiled.get(pattern);
  if (cached) {
    // Re-inserting keeps the map in least-recently-used order.
    compiled.delete(pattern);
    compiled.set(pattern, cached);
    return cached;
  }
  const regex = RE2JS.compile(pattern);
  compiled.set(pattern, regex);
  if (compiled.size > CACHE_SIZE) {
    const oldest = compiled.keys().next().value;
    if (oldest !== undefined) compiled.delete(oldest);
  }
  return regex;
}

/**
 * True when the pattern matches somewhere in the first MAX_MATCH_CHARS of `text`. A pattern
 * RE2 cannot compile (one stored before patterns were checked with RE2) matches nothing.
 */
export function matchesPattern(text: string, pattern: string): boolean {
  if (pattern.length > MAX_PATTERN_CHARS) return false;
  let regex: RE2JS;
  try {
    regex = compilePattern(pattern);
  } catch (error) {
    if (error instanceof RE2JSException) return false;
    throw error;
  }
  return regex.test(text.length > MAX_MATCH_CHARS ? text.slice(0, MAX_MATCH_CHARS) : text);
}
