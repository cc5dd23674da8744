'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useAuth } from '../lib/auth';
import { loginSchema } from '../lib/auth-forms';
import { PasswordField } from './auth-fields';
import { Field } from './field';
import { FormProblems } from './problem-banner';
import { useAuthForm } from './use-auth-form';

const fields = ['password'] as const;

/**
 * For a user in several organizations: a session acts in one, so switching is a login with
 * `organizationId`, which asks for the password again.
 */
export function SwitchOrganization() {
  const { state, login } = useAuth();
  const router = useRouter();
  const others =
    state.status === 'signed-in' ? state.organizations.filter((o) => o.id !== state.organization.id) : [];
  const [organizationId, setOrganizationId] = useState('');
  const chosen = organizationId || others[0]?.id || '';
  const email = state.status === 'signed-in' ? state.user.email : '';
  const form = useAuthForm({
    fields,
    initial: { password: '' },
    schema: loginSchema.pick({ password: true }),
    leaveWhenSignedIn: false,
    describeFailure: (error) => (error.status === 401 ? 'The password is not correct.' : null),
    submit: async ({ password }) => {
      await login({ email, password, organizationId: chosen });
      router.push('/');
    },
  });
  if (others.length === 0) return null;
  return (
    <form className="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="switch-title">
      <h2 id="switch-title">Switch organization</h2>
      <FormProblems messages={form.problems.form} />
      <Field id="switch-organization" label="Organization">
        {(control) => (
          <select {...control} value={chosen} onChange={(e) => setOrganizationId(e.target.value)}>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({o.role})
              </option>
            ))}
          </select>
        )}
      </Field>
      <PasswordField
        id="password"
        label="Password"
        kind="current"
        value={form.values.password}
        onChange={form.setValue('password')}
        error={form.problems.fields.password}
      />
      <button type="submit" className="button" disabled={form.submitting}>
        {form.submitting ? 'Switching…' : 'Switch'}
      </button>
    </form>
  );
}
