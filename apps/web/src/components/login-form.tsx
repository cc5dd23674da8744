'use client';

import Link from 'next/link';
import { useAuth } from '../lib/auth';
import { type LoginField, loginNotices, loginSchema, withNext } from '../lib/auth-forms';
import { useQueryParam } from '../lib/use-query-param';
import { EmailField, PasswordField } from './auth-fields';
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
  const notice = loginNotices[useQueryParam('notice') ?? ''];
  const next = useQueryParam('next');

  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="login-title">
      <h1 id="login-title">Log in to SentinelMesh</h1>
      {notice ? (
        <p className="banner banner--success" role="status">
          {notice}
        </p>
      ) : null}
      {form.apiDown ? <ProblemBanner error={form.apiDown} /> : null}
      <FormProblems messages={problems.form} />
      <EmailField value={values.email} onChange={setValue('email')} error={problems.fields.email} />
      <PasswordField
        id="password"
        label="Password"
        kind="current"
        value={values.password}
        onChange={setValue('password')}
        error={problems.fields.password}
      />
      <button type="submit" className="button" disabled={form.submitting}>
        {form.submitting ? 'Logging in…' : 'Log in'}
      </button>
      <p className="form__footer">
        <Link href="/forgot-password">Forgot password?</Link>
      </p>
      <p className="form__footer">
        No account yet? <Link href={withNext('/signup', next)}>Create an organization</Link>
      </p>
    </form>
  );
}
