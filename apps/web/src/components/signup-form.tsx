'use client';

import Link from 'next/link';
import { useEffect } from 'react';
import { useInvitationPreview } from '../lib/account-queries';
import { useAuth } from '../lib/auth';
import { invitedSignupSchema, type SignupField, signupSchema, withNext } from '../lib/auth-forms';
import { invitationPath, invitedSignupFailure } from '../lib/invitations';
import { useQueryParam } from '../lib/use-query-param';
import { EmailField, PasswordField } from './auth-fields';
import { Field } from './field';
import { FormProblems, ProblemBanner } from './problem-banner';
import { useAuthForm } from './use-auth-form';

const fields: readonly SignupField[] = ['email', 'password', 'organizationName'];

/**
 * `/signup`: a new account owning a new organization; or, from an invitation link
 * (`?invitation=<token>`), a new account that joins the inviting organization and creates none.
 */
export function SignupForm() {
  const { signup } = useAuth();
  const invitation = useQueryParam('invitation');
  const invited = typeof invitation === 'string' && invitation !== '';
  const preview = useInvitationPreview(invited ? invitation : null);
  const form = useAuthForm({
    fields,
    initial: { email: '', password: '', organizationName: '' },
    schema: invited ? invitedSignupSchema : signupSchema,
    submit: ({ email, password, organizationName }) =>
      signup(
        invited ? { email, password, invitationToken: invitation } : { email, password, organizationName },
      ),
    describeFailure: invited ? invitedSignupFailure : undefined,
  });
  const { values, setValue, problems } = form;
  const next = useQueryParam('next');
  const offer = preview.data;

  // The invited address is the one to sign up with: filled in, still editable.
  const invitedEmail = offer?.email;
  const fillEmail = setValue('email');
  // biome-ignore lint/correctness/useExhaustiveDependencies: fill once, when the invitation is known
  useEffect(() => {
    if (invitedEmail) fillEmail({ target: { value: invitedEmail } });
  }, [invitedEmail]);

  const title = offer
    ? `Join ${offer.organization.name}`
    : invited
      ? 'Create your account'
      : 'Create your organization';
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="signup-title">
      <h1 id="signup-title">{title}</h1>
      {form.apiDown ? <ProblemBanner error={form.apiDown} /> : null}
      {offer ? (
        <p>
          Create your account to join <strong>{offer.organization.name}</strong> as {offer.role}. Use the
          invited address, <strong>{offer.email}</strong>: the invitation link proves it is yours.
        </p>
      ) : null}
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
      {invited ? null : (
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
      )}
      <button type="submit" className="button" disabled={form.submitting}>
        {form.submitting ? 'Creating…' : invited ? 'Create account and join' : 'Create organization'}
      </button>
      <p className="form__footer">
        Already have an account?{' '}
        <Link href={withNext('/login', invited ? invitationPath(invitation) : next)}>Log in</Link>
      </p>
    </form>
  );
}
