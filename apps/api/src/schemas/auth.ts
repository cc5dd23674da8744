import { roleSchema } from '@sentinelmesh/core';
import { z } from 'zod';
import { isoTime } from './common';

const newPassword = z.string().min(10, 'must be at least 10 characters').max(256);
// One-time tokens are 43 base64url characters; the bound only keeps garbage short.
const oneTimeToken = z.string().min(1).max(256).describe('the token from the emailed link');

export const signupBody = z
  .strictObject({
    email: z.email().max(254),
    password: newPassword,
    organizationName: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('the new organization; required unless invitationToken is given'),
    invitationToken: oneTimeToken
      .optional()
      .describe(
        'the token of an emailed invitation to this email: join its organization instead of creating one',
      ),
  })
  .superRefine(
    (body, ctx) => {
      // One or the other: a person signing up from an invitation joins that organization only.
      if (body.invitationToken === undefined && body.organizationName === undefined) {
        ctx.addIssue({ code: 'custom', path: ['organizationName'], message: 'required' });
      }
      if (body.invitationToken !== undefined && body.organizationName !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['organizationName'],
          message: 'leave out with invitationToken: the invitation’s organization is joined',
        });
      }
    },
    // Also when other fields are wrong, so one answer names every problem (it reads only presence).
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export const loginBody = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256),
  organizationId: z.uuid().optional().describe('the organization to act in; default: the first one joined'),
});

export const switchBody = z.strictObject({
  organizationId: z.uuid().describe('an organization the signed-in user belongs to'),
});

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  emailVerified: z.boolean().describe('whether the user proved they read this address'),
});
export const organizationSchema = z.object({ id: z.string(), name: z.string(), slug: z.string() });

export const tokenResponse = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});

export const signupResponse = tokenResponse.extend({ user: userSchema, organization: organizationSchema });
export const loginResponse = signupResponse;
export const meResponse = z.object({
  user: userSchema,
  organization: organizationSchema,
  role: roleSchema,
  organizations: z
    .array(organizationSchema.extend({ role: roleSchema }))
    .describe('every organization the user belongs to, oldest membership first'),
});

export const verifyEmailBody = z.strictObject({ token: oneTimeToken });
export const userResponse = z.object({ user: userSchema });
export const accepted = z.object({}).describe('Accepted');

export const passwordResetBody = z.strictObject({ email: z.email().max(254) });
export const passwordResetConfirmBody = z.strictObject({ token: oneTimeToken, password: newPassword });
export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword,
});

export const invitationTokenParams = z.object({ token: oneTimeToken });
export const invitationPreviewParams = z.object({
  id: oneTimeToken.describe('the token from the emailed invitation link'),
});
export const invitationPreview = z.object({
  organization: z.object({ id: z.string(), name: z.string() }),
  email: z.string(),
  role: roleSchema,
  expiresAt: isoTime,
});
export const acceptInvitationResponse = signupResponse.extend({ role: roleSchema });
