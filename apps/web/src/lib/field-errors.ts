import type { z } from 'zod';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export interface FormProblems<F extends string> {
  fields: FieldErrors<F>;
  /** Problems that belong to no field on the form; shown above it. */
  form: string[];
}

/** "assertions.0.value", "/assertions/0/value" and "assertions[0].value" all become ["assertions", "0", "value"]. */
export function pathSegments(path: string | readonly PropertyKey[]): string[] {
  const segments = typeof path === 'string' ? path.split(/[.[\]/]+/) : path.map(String);
  const clean = segments.filter((s) => s !== '');
  return clean[0] === 'body' ? clean.slice(1) : clean;
}

/** Puts each problem at the form field its path names (first message wins), the rest at form level. */
export function groupProblems<F extends string>(
  problems: readonly { path: string | readonly PropertyKey[]; message: string }[],
  fieldFor: (segments: string[]) => F | null,
): FormProblems<F> {
  const result: FormProblems<F> = { fields: {}, form: [] };
  for (const problem of problems) {
    const field = fieldFor(pathSegments(problem.path));
    if (field === null) result.form.push(problem.message);
    else result.fields[field] ??= problem.message;
  }
  return result;
}

/** An API field name as words, for a problem at a field the form has no label for: "retryIntervalSeconds" → "Retry interval seconds". */
export function humanizeFieldName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0]?.toUpperCase() + words.slice(1) : name;
}

/** One line of a form's error summary: the field's label and its message, linked to its input. */
export interface LabelledProblem {
  id: string;
  label: string;
  message: string;
}

/** Every field problem with the label of its input, in the order given, for the summary above a form. */
export function labelProblems<F extends string>(
  fields: FieldErrors<F>,
  labelFor: (field: F) => string,
  idFor: (field: F) => string = (field) => field,
): LabelledProblem[] {
  return (Object.entries(fields) as [F, string | undefined][]).flatMap(([field, message]) =>
    message === undefined ? [] : [{ id: idFor(field), label: labelFor(field), message }],
  );
}

/** The problems in the order of the form's inputs (`order` lists their ids top to bottom); others last. */
export function inFormOrder(problems: LabelledProblem[], order: readonly string[]): LabelledProblem[] {
  const rank = (id: string) => {
    const at = order.indexOf(id);
    return at < 0 ? order.length : at;
  };
  return [...problems].sort((a, b) => rank(a.id) - rank(b.id));
}

/** Messages a person can act on, in place of zod's defaults. */
export const friendlyZodErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined || issue.input === '') return 'Required';
    if (issue.expected === 'number') return 'Enter a number';
    return undefined;
  }
  if (issue.code === 'too_small') {
    if (issue.origin === 'string' && issue.minimum === 1) return 'Required';
    if (issue.origin === 'string') return `Use at least ${issue.minimum} characters`;
    if (issue.origin === 'number') return `Must be at least ${issue.minimum}`;
  }
  if (issue.code === 'too_big') {
    if (issue.origin === 'string') return `Use at most ${issue.maximum} characters`;
    if (issue.origin === 'number') return `Must be at most ${issue.maximum}`;
  }
  if (issue.code === 'invalid_format' && issue.format === 'email') return 'Enter an email address';
  return undefined;
};
