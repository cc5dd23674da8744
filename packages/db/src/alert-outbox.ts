import type { Insertable, Kysely } from 'kysely';
import type { AlertsTable, Database } from './schema';

/**
 * Writes keyed outbox rows, each at most once per recipient and `dedup_key`: a channel's under
 * (channel, key), a member's email under (member, key) (0022-escalation's two unique indexes).
 * Rows already there are skipped; returns the ids written now.
 */
export async function insertKeyedAlerts(
  db: Kysely<Database>,
  rows: readonly Insertable<AlertsTable>[],
): Promise<string[]> {
  const toChannels = rows.filter((row) => row.channel_id);
  const toMembers = rows.filter((row) => !row.channel_id);
  const written: { id: string }[] = [];
  if (toChannels.length > 0) {
    written.push(
      ...(await db
        .insertInto('alerts')
        .values(toChannels)
        .onConflict((oc) =>
          oc.columns(['channel_id', 'dedup_key']).where('dedup_key', 'is not', null).doNothing(),
        )
        .returning('id')
        .execute()),
    );
  }
  if (toMembers.length > 0) {
    written.push(
      ...(await db
        .insertInto('alerts')
        .values(toMembers)
        .onConflict((oc) =>
          oc
            .columns(['recipient_user_id', 'dedup_key'])
            .where('channel_id', 'is', null)
            .where('dedup_key', 'is not', null)
            .doNothing(),
        )
        .returning('id')
        .execute()),
    );
  }
  return written.map((row) => row.id);
}
