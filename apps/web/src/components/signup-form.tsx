'use client';

import Link from 'next/link';
import { useAuth } from '../lib/auth';
import { MIN_PASSWORD_LENGTH, type SignupField, signupSchema } from '../lib/auth-forms';
import { Field } from './field';
import { FormProblems, ProblemBanner } from './problem-banner';
import { useAuthForm } from './use-auth-form';

const fields: readonly SignupField[] = ['email', 'password', 'organizationName'];

export function SignupForm() {
  const { signup } = useAuth();
  const form = useAuthForm({
    fields,
    initial: { email: '', password: '', organizationName: '' },
    schema: signupSchema,
    submit: signup,
  });
  const { values, setValue, problems } = form;

  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="signup-title">
      <h1 id="signup-title">Create your organization</h1>
      {form.apiDown ? <ProblemBanner error={form.apiDown} /> : null}
      <FormProblems messages={problems.form} />
      <Field id="email" label="Email" error={problems.fields.email}>
        {(control) => (
          <input
            {...control}
            type="email"
            autoComplete="email"
            value={values.email}
            onChange={setValue('email')}
          />
        )}
      </Field>
      <Field
        id="password"
        label="Password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={problems.fields.password}
      >
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            value={values.password}
            onChange={setValue('password')}
          />
        )}
      </Field>
      <Field id="organizationName" label="Organization name" error={problems.fields.organizationName}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="organization"
            value={values.organizationName}
            onChange={setValue('organizationName')}
          />
        )}
      </Field>
      <button type="submit" className="button" disabled={form.submitting}>
        {form.submitting ? 'Creating…' : 'Create organization'}
      </button>
      <p className="form__footer">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </form>
  );
}
