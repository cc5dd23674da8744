import { describe, expect, it } from 'vitest';
import { evaluateAssertions } from '../src/assertions';
import { MAX_MATCH_CHARS, MAX_PATTERN_CHARS, matchesPattern, patternProblem } from '../src/regex';
import { assertionSchema } from '../src/schemas/assertion';

describe('user patterns (RE2)', () => {
  it.each<[string, string, string, boolean]>([
    ['a literal anywhere in the text', 'ok', 'all ok here', true],
    ['anchors on the whole text', '^up$', 'up', true],
    ['anchors that do not hold', '^up$', 'upper', false],
    ['character classes and escapes', '"status":\\s*"up"', '{"status": "up"}', true],
    ['case-insensitive matching with an inline flag', '(?i)HEALTHY', 'healthy', true],
    ['multi-line mode with an inline flag', '(?m)^b$', 'a\nb\nc', true],
    ['named groups', '(?P<code>\\d{3}) OK', '200 OK', true],
    ['Unicode classes', '\\p{Greek}+', 'ΑΒΓ', true],
    ['POSIX classes', '[[:digit:]]{4}', 'year 2030', true],
    ['an escaped slash', 'a\\/b', 'a/b', true],
  ])('matches %s', (_name, pattern, text, expected) => {
    expect(patternProblem(pattern)).toBeNull();
    expect(matchesPattern(text, pattern)).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['a lookahead', 'foo(?=bar)', 'lookahead and lookbehind are not supported'],
    ['a negative lookahead', '^(?!error)', 'lookahead and lookbehind are not supported'],
    ['a lookbehind', '(?<=foo)bar', 'lookahead and lookbehind are not supported'],
    ['a backreference', '(a)\\1', 'backreferences are not supported'],
    ['a named backreference', '(?<x>a)\\k<x>', 'backreferences are not supported'],
    ['an unclosed group', '(', 'not a valid regular expression: missing closing )'],
    ['an unclosed class', '[a-', 'not a valid regular expression'],
    ['a repeat count above 1000', 'a{1001}', 'not a valid regular expression: invalid repeat count'],
    ['a pattern longer than the limit', 'a'.repeat(MAX_PATTERN_CHARS + 1), 'at most 512 characters'],
  ])('refuses %s, saying why', (_name, pattern, message) => {
    expect(patternProblem(pattern)).toContain(message);
  });

  it('accepts a pattern of exactly the maximum length', () => {
    expect(patternProblem('a'.repeat(MAX_PATTERN_CHARS))).toBeNull();
  });

  it.each<[string, string, string]>([
    ['alternation under a repeat', '^(\\w|\\d)+$', `${'1'.repeat(40)}!`],
    ['nested quantifiers', '(a+)+$', `${'a'.repeat(MAX_MATCH_CHARS - 1)}!`],
    ['overlapping alternatives', '^(a|aa)+$', `${'a'.repeat(MAX_MATCH_CHARS - 1)}b`],
    ['a quantified wildcard group', '^(.*a){12}$', 'a'.repeat(5000)],
  ])('runs %s in linear time on a hostile text', (_name, pattern, text) => {
    const started = performance.now();
    matchesPattern(text, pattern);
    // Backtracking needs hours or more for each of these; RE2 takes milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('sees only the first 64 KiB of the text', () => {
    expect(matchesPattern(`${'a'.repeat(MAX_MATCH_CHARS - 6)}needle`, 'needle')).toBe(true);
    expect(matchesPattern(`${'a'.repeat(MAX_MATCH_CHARS)}needle`, 'needle')).toBe(false);
  });

  it('matches nothing with a stored pattern that RE2 cannot compile', () => {
    expect(matchesPattern('foobar', 'foo(?=bar)')).toBe(false);
    const failed = evaluateAssertions(
      [{ source: 'body', op: 'matches', value: 'foo(?=bar)' }],
      { statusCode: 200, headers: {}, body: 'foobar', latencyMs: 1, certExpiresAt: null },
      new Date(),
    );
    expect(failed).toHaveLength(1);
  });

  it('refuses unsupported patterns in the assertion schema at the value field', () => {
    const result = assertionSchema.safeParse({ source: 'body', op: 'matches', value: '(?<=a)b' });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([
      { path: ['value'], message: 'lookahead and lookbehind are not supported (RE2 syntax)' },
    ]);
  });

  it('accepts the pattern that safe-regex let through, since RE2 runs it in linear time', () => {
    expect(assertionSchema.safeParse({ source: 'body', op: 'matches', value: '^(\\w|\\d)+$' }).success).toBe(
      true,
    );
  });
});
