import { z } from 'zod';

const roleSchema = z.enum(['viewer', 'member', 'admin', 'owner']);

export const signupBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(10, 'must be at least 10 characters').max(256),
  organizationName: z.string().trim().min(1).max(100),
});

export const loginBody = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256),
  organizationId: z.uuid().optional().describe('the organization to act in; default: the first one joined'),
});

export const userSchema = z.object({ id: z.string(), email: z.string() });
export const organizationSchema = z.object({ id: z.string(), name: z.string(), slug: z.string() });

export const tokenResponse = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});

export const signupResponse = tokenResponse.extend({ user: userSchema, organization: organizationSchema });
export const loginResponse = signupResponse;
export const meResponse = z.object({ user: userSchema, organization: organizationSchema, role: roleSchema });
