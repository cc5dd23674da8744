import type { Database, Db, UserTokensTable } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';
import { hashOneTimeToken, newOneTimeToken } from './one-time-tokens';

type Executor = Db | Transaction<Database>;
type Purpose = UserTokensTable['purpose'];

/** A fresh single-use token for `purpose`; the user's earlier unused ones of that purpose stop working. */
export async function issueUserToken(
  db: Executor,
  input: { userId: string; purpose: Purpose; ttlSeconds: number; now: Date },
): Promise<string> {
  const { token, hash } = newOneTimeToken();
  await db
    .updateTable('user_tokens')
    .set({ used_at: input.now })
    .where('user_id', '=', input.userId)
    .where('purpose', '=', input.purpose)
    .where('used_at', 'is', null)
    .execute();
  await db
    .insertInto('user_tokens')
    .values({
      user_id: input.userId,
      purpose: input.purpose,
      token_hash: hash,
      expires_at: new Date(input.now.getTime() + input.ttlSeconds * 1000),
      created_at: input.now,
    })
    .execute();
  return token;
}

/** Uses up a token: the user it belongs to, or null when it is unknown, used, expired or for another purpose. */
export async function consumeUserToken(
  tx: Transaction<Database>,
  token: string,
  purpose: Purpose,
  now: Date,
): Promise<string | null> {
  const row = await tx
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashOneTimeToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id ?? null;
}
