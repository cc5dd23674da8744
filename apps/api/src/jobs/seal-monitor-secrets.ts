import { fillMasks, maskSecrets } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { type Logger, openMonitorSecrets, type SecretBox } from '@sentinelmesh/platform';
import { sealConfig } from '../services/monitor-secrets';

const BATCH = 200;

/**
 * Seals the secrets of monitors written before they were sealed (or by an older API): the upgrade
 * step that migration 0007 cannot do without SECRETS_KEY. Runs at start-up; batches lock their rows
 * with SKIP LOCKED, so several API processes share the work and an edit in flight is never lost.
 * `updated_at` stays: the masked configuration is the one the scheduler already derives.
 */
export async function sealMonitorSecrets(db: Db, box: SecretBox, logger: Logger): Promise<number> {
  let sealed = 0;
  for (;;) {
    const done = await db.transaction().execute(async (tx) => {
      const rows = await tx
        .selectFrom('monitors')
        .select(['id', 'config', 'secrets'])
        .where('secrets_unsealed', '=', true)
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        let config = row.config;
        if (row.secrets) {
          try {
            config = fillMasks(maskSecrets(row.config), openMonitorSecrets(box, row)).config;
          } catch (error) {
            logger.warn(
              { err: error, monitorId: row.id },
              'cannot open monitor secrets (was SECRETS_KEY changed?)',
            );
          }
        }
        await tx.updateTable('monitors').set(sealConfig(box, config)).where('id', '=', row.id).execute();
      }
      return rows.length;
    });
    sealed += done;
    if (done < BATCH) break;
  }
  if (sealed > 0) logger.info({ monitors: sealed }, 'sealed the secrets of monitors stored in the clear');
  return sealed;
}
