'use client';

import Link from 'next/link';
import { useAuth } from '../lib/auth';
import { type SignupField, signupSchema, withNext } from '../lib/auth-forms';
import { useQueryParam } from '../lib/use-query-param';
import { EmailField, PasswordField } from './auth-fields';
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
  const next = useQueryParam('next');

  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="signup-title">
      <h1 id="signup-title">Create your organization</h1>
      {form.apiDown ? <ProblemBanner error={form.apiDown} /> : null}
      <FormProblems messages={problems.form} />
      <EmailField value={values.email} onChange={setValue('email')} error={problems.fields.email} />
      <PasswordField
        id="password"
        label="Password"
        kind="new"
        value={values.password}
        onChange={setValue('password')}
        error={problems.fields.password}
      />
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
        Already have an account? <Link href={withNext('/login', next)}>Log in</Link>
      </p>
    </form>
  );
}
