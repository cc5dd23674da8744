import { hasRole, type Role } from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { ActorContext, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { generateApiKey } from './api-key-secrets';

const columns = ['id', 'name', 'role', 'key_hint', 'created_by', 'created_at', 'last_used_at'] as const;

function toApiKey(row: {
  id: string;
  name: string;
  role: Role;
  key_hint: string;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
}) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    keyHint: row.key_hint,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at ? row.last_used_at.toISOString() : null,
  };
}

/** The key is returned once, here; only its hash is stored. A key never holds more than its creator. */
export async function createApiKey(ctx: ActorContext, input: { name: string; role: Role }) {
  const { actor } = ctx;
  if (!hasRole(actor.role, input.role)) {
    throw apiErrors.keyAboveRole(actor.role);
  }
  const { key, hash, hint } = generateApiKey();
  const row = await ctx.db
    .insertInto('api_keys')
    .values({
      org_id: actor.orgId,
      name: input.name,
      role: input.role,
      key_hash: hash,
      key_hint: hint,
      created_by: actor.userId,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return { ...toApiKey(row), key };
}

/** Active keys, newest first, keyset-paged on (created_at, id). */
export async function listApiKeys(ctx: TenantContext, page: { limit: number; cursor?: string | undefined }) {
  const query = ctx.db
    .selectFrom('api_keys')
    .select(columns)
    .where('org_id', '=', ctx.orgId)
    .where('revoked_at', 'is', null);
  return keysetPage(query, byTimeThenId('created_at', 'id'), page, toApiKey);
}

/** Revocation is one committed UPDATE; every request looks the key up, so it stops working at once. */
export async function revokeApiKey(ctx: TenantContext, id: string) {
  const row = await ctx.db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('API key');
}
