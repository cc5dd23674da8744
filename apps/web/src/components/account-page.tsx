'use client';

import { useState } from 'react';
import { describeError } from '../lib/api-client';
import { useAuth } from '../lib/auth';
import { type ChangePasswordField, changePasswordSchema } from '../lib/auth-forms';
import { PasswordField } from './auth-fields';
import { FormProblems } from './problem-banner';
import { SwitchOrganization } from './switch-organization';
import { useAuthForm } from './use-auth-form';

const passwordFields: readonly ChangePasswordField[] = ['currentPassword', 'newPassword'];

function ChangePasswordForm() {
  const { session } = useAuth();
  const [changed, setChanged] = useState(false);
  const form = useAuthForm({
    fields: passwordFields,
    initial: { currentPassword: '', newPassword: '' },
    schema: changePasswordSchema,
    leaveWhenSignedIn: false,
    submit: async (input) => {
      setChanged(false);
      // 204; this tab's next call trades the refresh cookie for a token issued after the change.
      await session.request<void>('/v1/auth/password', { method: 'POST', body: input });
      form.reset();
      setChanged(true);
    },
  });
  const { values, setValue, problems } = form;
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <FormProblems messages={problems.form} />
      {changed ? (
        <p className="banner banner--success" role="status">
          Password changed. Your other sessions were signed out.
        </p>
      ) : null}
      <PasswordField
        id="currentPassword"
        label="Current password"
        kind="current"
        value={values.currentPassword}
        onChange={setValue('currentPassword')}
        error={problems.fields.currentPassword}
      />
      <PasswordField
        id="newPassword"
        label="New password"
        kind="new"
        note="Other sessions are signed out."
        value={values.newPassword}
        onChange={setValue('newPassword')}
        error={problems.fields.newPassword}
      />
      <button type="submit" className="button" disabled={form.submitting}>
        {form.submitting ? 'Saving…' : 'Change password'}
      </button>
    </form>
  );
}

function SignOutEverywhere() {
  const { logoutEverywhere } = useAuth();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function onClick() {
    setPending(true);
    setError(null);
    try {
      // Signed out, the dashboard leaves for the login page with a notice.
      await logoutEverywhere();
    } catch (failure) {
      setError(failure);
      setPending(false);
    }
  }
  return (
    <section className="card form" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <p className="lead">
        Signs out every browser and device where you are logged in, this one included. API keys keep working.
      </p>
      {error ? <FormProblems messages={[describeError(error)]} /> : null}
      <div className="form__actions">
        <button type="button" className="button button--danger" disabled={pending} onClick={onClick}>
          {pending ? 'Signing out…' : 'Sign out everywhere'}
        </button>
      </div>
    </section>
  );
}

export function AccountPage() {
  const { state } = useAuth();
  if (state.status !== 'signed-in') return null;
  const verified = state.user.emailVerified;
  return (
    <>
      <div className="page-header">
        <h1>Account</h1>
      </div>
      <dl className="settings">
        <div>
          <dt>Email</dt>
          <dd>{state.user.email}</dd>
        </div>
        <div>
          <dt>Email verification</dt>
          <dd>{verified === false ? 'Not verified (see the notice above)' : verified ? 'Verified' : '—'}</dd>
        </div>
        <div>
          <dt>Organization</dt>
          <dd>{state.organization.name}</dd>
        </div>
        <div>
          <dt>Your role</dt>
          <dd>{state.role ?? '—'}</dd>
        </div>
      </dl>
      <div className="account-forms">
        <ChangePasswordForm />
        <SignOutEverywhere />
        <SwitchOrganization />
      </div>
    </>
  );
}
