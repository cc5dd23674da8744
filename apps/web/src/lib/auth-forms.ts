import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 10;

const email = z.string().trim().pipe(z.email('Enter an email address').max(320));

export const loginSchema = z.object({
  email,
  password: z.string().min(1, 'Required'),
});

export const signupSchema = z.object({
  email,
  password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
  organizationName: z.string().trim().min(1, 'Required').max(200),
});

export type LoginField = keyof z.input<typeof loginSchema>;
export type SignupField = keyof z.input<typeof signupSchema>;

export function authFieldFor<F extends string>(fields: readonly F[]) {
  return (segments: string[]): F | null => {
    const [first] = segments;
    return fields.find((field) => field === first) ?? null;
  };
}
