import { regionName } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';
import { insertProbe } from '../services/locations';

/** A mistake in the command line: printed as it is, with exit code 2. */
export class UsageError extends Error {}

export const REGIONS_USAGE = [
  'usage: regions list',
  '       regions add <region> [label]',
  '       regions probe-token <region> <probe-name>',
  '       regions revoke <probe-id>',
].join('\n');

/**
 * The deployment admin's commands on probe regions (regions every organization may use). Returns
 * the text to print; a probe token is printed once and never stored. `announce` tells the API
 * processes of a revocation so polls in flight end at once.
 */
export async function regionsCommand(
  db: Db,
  args: string[],
  announce: (probeIds: string[]) => Promise<void>,
): Promise<string> {
  const [command, ...rest] = args;
  if (command === 'list' && rest.length === 0) return list(db);
  if (command === 'add' && rest.length >= 1 && rest.length <= 2) {
    const name = parseRegion(rest[0] ?? '');
    const taken = await db
      .selectFrom('probe_regions')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    if (taken) throw new UsageError(`the region "${name}" exists already`);
    await db
      .insertInto('probe_regions')
      .values({ name, label: rest[1] ?? name })
      .execute();
    return `added probe region ${name}; schedulers, verifiers and APIs pick it up within seconds`;
  }
  if (command === 'probe-token' && rest.length === 2) {
    const name = parseRegion(rest[0] ?? '');
    const region = await db
      .selectFrom('probe_regions')
      .select('id')
      .where('name', '=', name)
      .where('org_id', 'is', null)
      .executeTakeFirst();
    if (!region) throw new UsageError(`no probe region "${name}"; add it first`);
    const probeName = rest[1] ?? '';
    if (probeName.length < 1 || probeName.length > 100)
      throw new UsageError('a probe name is 1-100 characters');
    const { row, token } = await insertProbe(db, { id: region.id, orgId: null }, probeName);
    return `probe ${row.id} (${probeName}) in ${name}\ntoken (shown once): ${token}`;
  }
  if (command === 'revoke' && rest.length === 1) {
    const id = rest[0] ?? '';
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new UsageError('a probe id is a UUID (see regions list)');
    const row = await db
      .updateTable('probes')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', id)
      .where('org_id', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new UsageError(`no active probe ${id} in a deployment region`);
    await announce([row.id]);
    return `revoked probe ${row.id}`;
  }
  throw new UsageError(REGIONS_USAGE);
}

function parseRegion(text: string): string {
  const parsed = regionName.safeParse(text);
  if (!parsed.success)
    throw new UsageError(`"${text}": a region is 1-32 lowercase letters, digits or dashes`);
  return parsed.data;
}

async function list(db: Db): Promise<string> {
  const rows = await db
    .selectFrom('probe_regions as r')
    .leftJoin('probes as p', (join) => join.onRef('p.region_id', '=', 'r.id').on('p.revoked_at', 'is', null))
    .select(['r.name', 'p.id', 'p.name as probe', 'p.version', 'p.last_seen_at'])
    .where('r.org_id', 'is', null)
    .orderBy('r.name')
    .orderBy('p.created_at')
    .execute();
  if (rows.length === 0) return 'no probe regions';
  return rows
    .map((row) =>
      row.id
        ? `${row.name}\t${row.id}\t${row.probe}\t${row.version ?? '-'}\t${row.last_seen_at?.toISOString() ?? 'never seen'}`
        : `${row.name}\t(no probes)`,
    )
    .join('\n');
}
