import { randomBytes } from 'node:crypto';
import type { Database, Db } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug || 'org';
}

/** Inserts an organization under the first free slug derived from its name: `acme`, `acme-2`, ... */
export async function insertOrganization(db: Db | Transaction<Database>, name: string) {
  const base = slugify(name);
  const taken = await db
    .selectFrom('organizations')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute();
  const used = new Set(taken.map((row) => row.slug));
  let n = 1;
  while (used.has(n === 1 ? base : `${base}-${n}`)) n++;
  const candidates = [n === 1 ? base : `${base}-${n}`, `${base}-${randomBytes(3).toString('hex')}`];
  for (const slug of candidates) {
    // ON CONFLICT keeps the transaction usable when a concurrent signup took the same slug.
    const row = await db
      .insertInto('organizations')
      .values({ name, slug })
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'name', 'slug'])
      .executeTakeFirst();
    if (row) return row;
  }
  throw new Error('could not find a free organization slug');
}
