import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 10;

const email = z.string().trim().pipe(z.email('Enter an email address').max(320));

export const loginSchema = z.object({
  email,
  password: z.string().min(1, 'Required'),
});

const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);

export const signupSchema = z.object({
  email,
  password: newPassword,
  organizationName: z.string().trim().min(1, 'Required').max(200),
});

/** Signing up from an invitation: no organization to name, the invitation's is joined. */
export const invitedSignupSchema = signupSchema.extend({ organizationName: z.string() });

export const forgotPasswordSchema = z.object({ email });

export const resetPasswordSchema = z.object({ password: newPassword });

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'Required'),
  newPassword,
});

export type LoginField = keyof z.input<typeof loginSchema>;
export type SignupField = keyof z.input<typeof signupSchema>;
export type ChangePasswordField = keyof z.input<typeof changePasswordSchema>;

export function authFieldFor<F extends string>(fields: readonly F[]) {
  return (segments: string[]): F | null => {
    const [first] = segments;
    return fields.find((field) => field === first) ?? null;
  };
}

/** Success notices the login page shows after `?notice=`, e.g. once a password reset is done. */
export const loginNotices: Record<string, string | undefined> = {
  'password-reset': 'Your password was changed and every session signed out. Log in with the new password.',
  'signed-out-everywhere': 'You were signed out on every device.',
};

/** Keeps `?next=` when moving between the login and signup pages. */
export function withNext(path: string, next: string | null | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}
