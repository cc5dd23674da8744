'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import type { z } from 'zod';
import { ApiError, describeError } from '../lib/api-client';
import { useAuth } from '../lib/auth';
import { authFieldFor } from '../lib/auth-forms';
import { type FormProblems, friendlyZodErrors, groupProblems } from '../lib/field-errors';
import { focusFirstError, nextPathFromLocation } from '../lib/navigation';

const noProblems = { fields: {}, form: [] };

/**
 * State and submit logic shared by the account forms: client-side validation with `schema`, server
 * `errors[]` at their fields, and (for login and signup) a redirect to `?next=` once signed in.
 */
export function useAuthForm<F extends string, S extends z.ZodType<Record<F, string>>>(options: {
  fields: readonly F[];
  initial: Record<F, string>;
  schema: S;
  submit: (input: z.output<S>) => Promise<void>;
  describeFailure?: (error: ApiError) => string | null;
  /** Login and signup leave for `?next=` as soon as a session exists; the other forms stay. */
  leaveWhenSignedIn?: boolean;
}) {
  const { state } = useAuth();
  const router = useRouter();
  const [values, setValues] = useState(options.initial);
  const [problems, setProblems] = useState<FormProblems<F>>(noProblems);
  const [submitting, setSubmitting] = useState(false);

  const leave = options.leaveWhenSignedIn ?? true;
  useEffect(() => {
    if (leave && state.status === 'signed-in') router.replace(nextPathFromLocation());
  }, [leave, state.status, router]);

  const setValue = (field: F) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = options.schema.safeParse(values, { error: friendlyZodErrors });
    if (!parsed.success) {
      const found = groupProblems(parsed.error.issues, authFieldFor(options.fields));
      setProblems(found);
      focusFirstError(options.fields, found.fields);
      return;
    }
    setProblems(noProblems);
    setSubmitting(true);
    try {
      await options.submit(parsed.data);
    } catch (error) {
      const found = problemsFor(error, options.fields, options.describeFailure);
      setProblems(found);
      focusFirstError(options.fields, found.fields);
    } finally {
      setSubmitting(false);
    }
  }

  // Tells the visitor up front when the API is down, rather than only after they submit.
  const apiDown = state.status === 'unavailable' ? state.error : null;
  const reset = () => setValues(options.initial);
  return { values, setValue, reset, problems, submitting, onSubmit, apiDown };
}

function problemsFor<F extends string>(
  error: unknown,
  fields: readonly F[],
  describeFailure?: (error: ApiError) => string | null,
): FormProblems<F> {
  if (!(error instanceof ApiError)) return { fields: {}, form: [describeError(error)] };
  const found = groupProblems(error.errors, authFieldFor(fields));
  const message = describeFailure?.(error) ?? (error.errors.length === 0 ? describeError(error) : null);
  return { fields: found.fields, form: message ? [message, ...found.form] : found.form };
}
