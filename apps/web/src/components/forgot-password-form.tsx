'use client';

import Link from 'next/link';
import { useState } from 'react';
import { accountRequests } from '../lib/account-queries';
import { forgotPasswordSchema } from '../lib/auth-forms';
import { EmailField } from './auth-fields';
import { FormProblems } from './problem-banner';
import { useAuthForm } from './use-auth-form';

const fields = ['email'] as const;

export function ForgotPasswordForm() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useAuthForm({
    fields,
    initial: { email: '' },
    schema: forgotPasswordSchema,
    leaveWhenSignedIn: false,
    submit: async ({ email }) => {
      await accountRequests.requestPasswordReset(email);
      setSentTo(email);
    },
  });
  const { values, setValue, problems } = form;

  if (sentTo) {
    return (
      <section className="card form" aria-labelledby="forgot-title">
        <h1 id="forgot-title">Check your email</h1>
        <p role="status">
          If an account exists for <strong>{sentTo}</strong>, we sent it a link to choose a new password. The
          link works once, for one hour.
        </p>
        <p className="form__footer">
          <Link href="/login">Back to log in</Link>
        </p>
      </section>
    );
  }
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      <p className="lead">We will email you a link to choose a new password.</p>
      <FormProblems messages={problems.form} />
      <EmailField value={values.email} onChange={setValue('email')} error={problems.fields.email} />
      <button type="submit" className="button" disabled={form.submitting}>
        {form.submitting ? 'Sending…' : 'Email me a reset link'}
      </button>
      <p className="form__footer">
        Remembered it? <Link href="/login">Log in</Link>
      </p>
    </form>
  );
}
