'use client';

import Link from 'next/link';
import { useAuth } from '../lib/auth';
import { type LoginField, loginSchema } from '../lib/auth-forms';
import { Field } from './field';
import { FormProblems, ProblemBanner } from './problem-banner';
import { useAuthForm } from './use-auth-form';

const fields: readonly LoginField[] = ['email', 'password'];

export function LoginForm() {
  const { login } = useAuth();
  const form = useAuthForm({
    fields,
    initial: { email: '', password: '' },
    schema: loginSchema,
    submit: login,
    describeFailure: (error) => (error.status === 401 ? 'The email or password is not correct.' : null),
  });
  const { values, setValue, problems } = form;

  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="login-title">
      <h1 id="login-title">Log in to SentinelMesh</h1>
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
      <Field id="password" label="Password" error={problems.fields.password}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="current-password"
            value={values.password}
            onChange={setValue('password')}
          />
        )}
      </Field>
      <button type="submit" className="button" disabled={form.submitting}>
        {form.submitting ? 'Logging in…' : 'Log in'}
      </button>
      <p className="form__footer">
        No account yet? <Link href="/signup">Create an organization</Link>
      </p>
    </form>
  );
}
