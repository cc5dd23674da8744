'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { accountRequests } from '../lib/account-queries';
import { useAuth } from '../lib/auth';
import { resetPasswordSchema } from '../lib/auth-forms';
import { useQueryParam } from '../lib/use-query-param';
import { PasswordField } from './auth-fields';
import { FormProblems } from './problem-banner';
import { useAuthForm } from './use-auth-form';

const fields = ['password'] as const;

const INVALID_LINK =
  'This reset link is not valid any more: it was used already or is older than one hour. Ask for a new one.';

export function ResetPasswordForm() {
  const token = useQueryParam('token');
  const router = useRouter();
  const { forget } = useAuth();
  const form = useAuthForm({
    fields,
    initial: { password: '' },
    schema: resetPasswordSchema,
    leaveWhenSignedIn: false,
    describeFailure: (error) => (error.code === 'invalid_token' ? INVALID_LINK : null),
    submit: async ({ password }) => {
      await accountRequests.confirmPasswordReset(token ?? '', password);
      // The reset ended every session, this browser's too.
      forget();
      router.replace('/login?notice=password-reset');
    },
  });
  const { values, setValue, problems } = form;

  if (token === null) {
    return (
      <section className="card form" aria-labelledby="reset-title">
        <h1 id="reset-title">Choose a new password</h1>
        <p className="banner banner--error" role="alert">
          This link has no reset token. Open the link from the email again, or ask for a new one.
        </p>
        <p className="form__footer">
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      </section>
    );
  }
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <FormProblems messages={problems.form} />
      <PasswordField
        id="password"
        label="New password"
        kind="new"
        note="Every session is signed out."
        value={values.password}
        onChange={setValue('password')}
        error={problems.fields.password}
      />
      <button type="submit" className="button" disabled={form.submitting || !token}>
        {form.submitting ? 'Saving…' : 'Set new password'}
      </button>
      <p className="form__footer">
        <Link href="/forgot-password">Ask for a new link</Link>
      </p>
    </form>
  );
}
