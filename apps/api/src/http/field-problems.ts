import type { FieldProblem } from '@sentinelmesh/core';
import type { z } from 'zod';

/** Zod issues as API field problems: `assertions.0.value`; each unknown key named on its own. */
export function zodFieldProblems(issues: z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}
