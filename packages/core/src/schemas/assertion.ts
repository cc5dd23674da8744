import { z } from 'zod';
import { patternProblem } from '../regex';

export const assertionSources = [
  'status',
  'body',
  'json',
  'header',
  'responseTimeMs',
  'certExpiresInDays',
  'packetLossPercent',
] as const;
export const assertionOps = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'between',
  'contains',
  'not_contains',
  'matches',
  'exists',
  'in',
] as const;

const scalar = z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]);

export const assertionSchema = z
  .strictObject({
    source: z.enum(assertionSources),
    path: z.string().min(1).max(512).optional(),
    op: z.enum(assertionOps),
    value: z
      .union([scalar, z.array(scalar).max(100)])
      .optional()
      .describe(
        'for `matches`: an RE2 pattern of at most 512 characters (no backreferences, no lookahead or lookbehind), matched against the first 64 KiB',
      ),
  })
  .superRefine((a, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: 'custom', message, path: [path] });
    if ((a.source === 'json' || a.source === 'header') && !a.path) {
      issue(`a ${a.source} assertion needs a path`, 'path');
    }
    if (a.op === 'exists') return;
    if (a.value === undefined) {
      issue(`operator ${a.op} needs a value`, 'value');
      return;
    }
    if (a.op === 'between') {
      const ok =
        Array.isArray(a.value) &&
        a.value.length === 2 &&
        typeof a.value[0] === 'number' &&
        typeof a.value[1] === 'number' &&
        a.value[0] <= a.value[1];
      if (!ok) issue('between takes [low, high] with low <= high', 'value');
    } else if (a.op === 'in') {
      if (!Array.isArray(a.value)) issue('in takes an array of values', 'value');
    } else if (Array.isArray(a.value)) {
      issue(`operator ${a.op} takes a single value`, 'value');
    }
    if (['lt', 'lte', 'gt', 'gte'].includes(a.op) && typeof a.value !== 'number') {
      issue(`operator ${a.op} takes a number`, 'value');
    }
    if (a.op === 'matches') {
      if (typeof a.value !== 'string') {
        issue('matches takes a regular expression string', 'value');
      } else {
        // Compiled with the engine the checks run (RE2), so what passes here also runs there.
        const problem = patternProblem(a.value);
        if (problem) issue(problem, 'value');
      }
    }
    if (
      (a.source === 'status' ||
        a.source === 'responseTimeMs' ||
        a.source === 'certExpiresInDays' ||
        a.source === 'packetLossPercent') &&
      a.path
    ) {
      issue(`a ${a.source} assertion takes no path`, 'path');
    }
  });

export type Assertion = z.infer<typeof assertionSchema>;

export const defaultAssertions: Assertion[] = [{ source: 'status', op: 'between', value: [200, 399] }];
