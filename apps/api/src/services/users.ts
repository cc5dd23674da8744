/** A user as every answer shows one. */
export interface AccountUser {
  id: string;
  email: string;
  emailVerified: boolean;
}

/** Emails are unique and compared without regard to case or surrounding spaces. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const toAccountUser = (row: { id: string; email: string; email_verified_at: Date | null }) => ({
  id: row.id,
  email: row.email,
  emailVerified: row.email_verified_at !== null,
});
