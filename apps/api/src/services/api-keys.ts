import { DomainError, notFound } from '@sentinelmesh/core';
import type { Role } from '@sentinelmesh/db';
import { type SqlBool, sql } from 'kysely';
import type { TenantDb } from '../db/tenant';
import { decodeCursor, isPgTimestamp, toPage } from '../http/cursor';
import { isUuid } from '../http/ids';
import type { Principal } from '../plugins/auth';
import { ranks } from '../plugins/auth';
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
export async function createApiKey(db: TenantDb, actor: Principal, input: { name: string; role: Role }) {
  if (ranks[input.role] > ranks[actor.role]) {
    throw new DomainError('forbidden', `you can create keys up to your own role (${actor.role})`);
  }
  const { key, hash, hint } = generateApiKey();
  const row = await db
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
export async function listApiKeys(
  db: TenantDb,
  orgId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  let query = db
    .selectFrom('api_keys')
    .select([...columns, sql<string>`created_at::text`.as('cursor_at')])
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null);
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor, [isPgTimestamp, isUuid]);
    query = query.where(sql<SqlBool>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.cursor_at, row.id], toApiKey);
}

/** Revocation is one committed UPDATE; every request looks the key up, so it stops working at once. */
export async function revokeApiKey(db: TenantDb, orgId: string, id: string) {
  const row = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw notFound('API key');
}
