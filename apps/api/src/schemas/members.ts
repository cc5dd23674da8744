import { roleSchema } from '@sentinelmesh/core';
import { z } from 'zod';
import { isoTime } from './common';

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: roleSchema,
  joinedAt: isoTime,
});

export const addMemberBody = z.strictObject({
  email: z.email().max(254).describe('the address to invite; it needs no account yet'),
  role: roleSchema,
});

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  expiresAt: isoTime,
  createdAt: isoTime,
});

export const invitationListItem = invitationSchema.extend({
  invitedBy: z
    .object({ id: z.string(), email: z.string() })
    .nullable()
    .describe('the admin who invited; null once they left'),
});

export const patchMemberBody = z.strictObject({ role: roleSchema });

export const userIdParams = z.object({ userId: z.string() });

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  keyHint: z.string().describe('the last 4 characters of the key'),
  createdBy: z.string(),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
});

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: roleSchema.describe('at most your own role'),
});

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().describe('the secret key, shown only in this response'),
});
