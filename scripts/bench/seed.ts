import type { Db } from '@sentinelmesh/db';
import { insertMonitors } from '@sentinelmesh/db/fixtures';
import { sql } from 'kysely';

/**
 * Adds `count` HTTP monitors pointing at `url` to the organization. They are stamped as created an
 * hour ago, as the monitors of a running deployment would be: a scheduler's resync then reads the
 * ones that changed since, not all of them again.
 */
export async function seedMonitors(
  db: Db,
  orgId: string,
  options: { count: number; url: string; intervalSeconds: number; label: string; regions?: string[] },
): Promise<void> {
  const timeoutMs = Math.min(5_000, Math.floor(options.intervalSeconds * 800));
  const anHourAgo = new Date(Date.now() - 3_600_000);
  await insertMonitors(
    db,
    orgId,
    Array.from({ length: options.count }, (_, i) => ({
      config: {
        name: `${options.label}-${i + 1}`,
        url: `${options.url}/m/${i + 1}`,
        followRedirects: false,
        intervalSeconds: options.intervalSeconds,
        timeoutMs,
        ...(options.regions ? { regions: options.regions } : {}),
      },
      createdAt: anHourAgo,
      updatedAt: anHourAgo,
      state: true as const,
    })),
  );
}

export async function setAllPaused(db: Db, paused: boolean): Promise<void> {
  await sql`UPDATE monitors SET config = jsonb_set(config, '{paused}', to_jsonb(${paused}::boolean))`.execute(
    db,
  );
}
