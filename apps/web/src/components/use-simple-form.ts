'use client';

import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../lib/api-client';
import { groupProblems, humanizeFieldName, type LabelledProblem, labelProblems } from '../lib/field-errors';

/**
 * Submit logic for the small settings forms: local checks first, then the API's `errors[]` at their
 * fields (by the first path segment) and anything else above the form.
 */
export function useSimpleForm<F extends string>(options: {
  fields: readonly F[];
  check: () => Partial<Record<F, string>>;
  submit: () => Promise<void>;
  idPrefix: string;
  /** The labels the form shows, for the error summary (a field without one is named from its API name). */
  labels?: Partial<Record<F, string>>;
}) {
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const [formErrors, setFormErrors] = useState<string[]>([]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const local = options.check();
    setErrors(local);
    setFormErrors([]);
    const first = options.fields.find((f) => local[f] !== undefined);
    if (first) {
      document.getElementById(`${options.idPrefix}-${first}`)?.focus();
      return;
    }
    try {
      await options.submit();
    } catch (error) {
      const found =
        error instanceof ApiError
          ? groupProblems(error.errors, ([segment]) => options.fields.find((f) => f === segment) ?? null)
          : { fields: {}, form: [] };
      setErrors(found.fields);
      setFormErrors([describeError(error), ...found.form]);
    }
  }
  const inOrder = Object.fromEntries(options.fields.flatMap((f) => (errors[f] ? [[f, errors[f]]] : [])));
  const problems: LabelledProblem[] = labelProblems(
    inOrder as Partial<Record<F, string>>,
    (field) => options.labels?.[field] ?? humanizeFieldName(field),
    (field) => `${options.idPrefix}-${field}`,
  );
  return { errors, formErrors, problems, onSubmit };
}
